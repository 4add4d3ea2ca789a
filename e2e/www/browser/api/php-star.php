<?php
// php-star.php - a PHP app's own CORS header, the kind that breaks credentialed calls.
header('Access-Control-Allow-Origin: *');
header('Content-Type: application/json');
echo json_encode(['method' => $_SERVER['REQUEST_METHOD'], 'from' => 'php-star']), "\n";
