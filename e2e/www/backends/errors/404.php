<?php
// 404.php - the site's ErrorDocument, made by PHP; like many, it adds a CORS header of its own.
header('Access-Control-Allow-Origin: *');
header('Content-Type: application/json');
echo json_encode(['error' => 'not found', 'by' => 'php', 'url' => $_SERVER['REDIRECT_URL'] ?? '']), "\n";
