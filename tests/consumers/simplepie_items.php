<?php
// SimplePie (the copy inside Debian's `wordpress` package, what WordPress feeds its widgets
// with): prints what it reads of each item of a feed file, as JSON (see run.py).
// Usage: php simplepie_items.php WORDPRESS_DIR FORMAT FILE. Every string SimplePie returns is
// HTML, sanitized for echoing into a page, so every text field is printed as `X_html`.
define('ABSPATH', rtrim($argv[1], '/') . '/');
define('WPINC', 'wp-includes');
require ABSPATH . WPINC . '/class-simplepie.php';

$feed = new SimplePie();
$feed->set_raw_data(file_get_contents($argv[3]));
$feed->enable_cache(false);
$feed->init();
if ($feed->error()) {
    fwrite(STDERR, "simplepie: " . $feed->error() . "\n");
    exit(1);
}

function iso($timestamp) {
    return $timestamp === null || $timestamp === false ? null : gmdate('Y-m-d\TH:i:s\Z', (int) $timestamp);
}

$items = [];
foreach ($feed->get_items() as $item) {
    $authors = [];
    foreach ($item->get_authors() ?? [] as $author) {
        $authors[] = $author->get_name();
    }
    $categories = [];
    foreach ($item->get_categories() ?? [] as $category) {
        $categories[] = $category->get_term();
    }
    $items[] = [
        'id' => $item->get_id(),
        'title_html' => $item->get_title(),
        'link' => $item->get_permalink(),
        'published' => iso($item->get_date('U')),
        'updated' => iso($item->get_updated_date('U')),
        // Names are HTML too; none of ours holds markup, so they are printed as they come.
        'authors' => $authors,
        'categories' => $categories,
        'summary_html' => $item->get_description(true),
        'content_html' => $item->get_content(true),
    ];
}
echo json_encode(['version' => SIMPLEPIE_VERSION, 'items' => $items], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
