<?php
// echo.php - an API endpoint that sends its own CORS headers, as many PHP apps do, and
// records each request that reaches it, so a test can tell whether a preflight got here.
file_put_contents($_SERVER['HITS_FILE'], $_SERVER['REQUEST_METHOD'] . ' ' . $_SERVER['REQUEST_URI'] . "\n",
                  FILE_APPEND | LOCK_EX);
header('Access-Control-Allow-Origin: *');
header('Access-Control-Allow-Credentials: false');
header('Access-Control-Allow-Methods: GET, POST, OPTIONS');
header('Content-Type: application/json');
echo json_encode(['backend' => 'php', 'sapi' => PHP_SAPI, 'method' => $_SERVER['REQUEST_METHOD']]), "\n";
