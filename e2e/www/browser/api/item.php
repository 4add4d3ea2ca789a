<?php
// item.php - the API endpoint the browser suite calls: says which method and user reached it.
header('Content-Type: application/json');
echo json_encode(['method' => $_SERVER['REQUEST_METHOD'], 'user' => $_SERVER['REMOTE_USER'] ?? '',
                  'body' => strlen(file_get_contents('php://input'))]), "\n";
