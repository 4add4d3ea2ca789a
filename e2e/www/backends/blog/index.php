<?php
// index.php - a WordPress-style front controller: every URL that is not a file is routed here.
file_put_contents($_SERVER['HITS_FILE'], $_SERVER['REQUEST_METHOD'] . ' ' . $_SERVER['REQUEST_URI'] . "\n",
                  FILE_APPEND | LOCK_EX);
header('Content-Type: application/json');
header('X-WP-Total: 3');
echo json_encode(['backend' => 'front-controller', 'route' => parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH),
                  'method' => $_SERVER['REQUEST_METHOD']]), "\n";
