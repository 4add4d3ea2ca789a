<?php
// collect.php - the browser suite's collector, on the page's own origin: the page POSTs its
// verdicts as JSON and they land in $E2E_RESULTS/ENGINE.json for browser.sh to read.
$dir = $_SERVER['E2E_RESULTS'] ?? '';
$raw = file_get_contents('php://input');
$data = json_decode($raw, true);
$engine = is_array($data) ? ($data['engine'] ?? '') : '';
if ($_SERVER['REQUEST_METHOD'] !== 'POST' || $dir === '' || !preg_match('/^[a-z]+$/', $engine)
    || !is_array($data['results'] ?? null)) {
    http_response_code(400);
    exit;
}
// Written aside, then renamed: the script polling for the file never reads half of it.
$tmp = "$dir/.$engine." . getmypid();
if (file_put_contents($tmp, $raw) === false || !rename($tmp, "$dir/$engine.json")) {
    http_response_code(500);
    exit;
}
http_response_code(204);
