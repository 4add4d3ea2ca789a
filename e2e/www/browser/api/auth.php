<?php
// auth.php - the endpoint of the browser suite's Access-Control-Allow-Headers: * measurement,
// where mod_headers answers the preflight (no mod_cors): says which method reached it and the
// scheme of the Authorization header it carried, if any.
header('Content-Type: application/json');
$scheme = '';
foreach (apache_request_headers() as $name => $value) {
    if (strcasecmp($name, 'Authorization') === 0) {
        $scheme = strtok($value, ' ');
    }
}
echo json_encode(['method' => $_SERVER['REQUEST_METHOD'], 'authorization' => $scheme]), "\n";
