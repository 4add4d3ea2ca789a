<?php
// A PHP app that does its own CORS, the usual way: mod_cors must win.
header('Access-Control-Allow-Origin: *');
header('Access-Control-Allow-Credentials: false');
header('X-Handled-By: php');
if (isset($_GET['status'])) {
    http_response_code((int)$_GET['status']);
}
header('Content-Type: application/json');
echo json_encode(['method' => $_SERVER['REQUEST_METHOD']]);
