#ifndef BO_CONFIG_YAML_TREE_H
#define BO_CONFIG_YAML_TREE_H

/* A YAML document read into a small tree of scalars, mappings and lists,
 * each node carrying the 1-based line and column where it starts, so that a
 * schema walk can name the place of every mistake. Built on libyaml's event
 * parser; only the first document of a stream is accepted.
 *
 * Scalars keep their text exactly as written (no type resolution: "2.0"
 * stays "2.0"); the consumer decides what a scalar means. Anchors and aliases
 * are supported (an alias points at the anchored node, so a node may be
 * reached twice); mapping keys must be scalars. */

#include <stddef.h>

#include "gp/bo_status.h"

/* Lists and mappings nest at most this deep (the root counts as one); a
 * collection deeper is a syntax error at its place. */
#define BO_YAML_MAX_DEPTH 64

typedef enum bo_yaml_kind {
    BO_YAML_SCALAR = 0,
    BO_YAML_MAP,
    BO_YAML_SEQ
} bo_yaml_kind;

typedef struct bo_yaml_node bo_yaml_node;
struct bo_yaml_node {
    bo_yaml_kind kind;
    size_t line;            /* 1-based */
    size_t column;          /* 1-based */
    char *text;             /* scalar text, NUL-terminated ("" for a map or list) */
    size_t text_len;        /* bytes of text (a scalar may hold a NUL) */
    int plain;              /* scalar written without quotes or block style */
    size_t n;               /* list: items; map: key/value pairs */
    bo_yaml_node **items;   /* list: n items; map: 2n nodes key0, value0, key1, ... */
    size_t cap;
    char *anchor;           /* the &anchor name, or NULL */
    bo_yaml_node *next_allocated;   /* every node of a document, for freeing */
};

typedef struct bo_yaml_doc {
    bo_yaml_node *root;             /* NULL when the stream holds no document */
    bo_yaml_node *all_nodes;
} bo_yaml_doc;

/* Parses len bytes of text. On success fills *doc (free it with
 * bo_yaml_doc_cleanup) and returns BO_OK; an empty stream gives root NULL.
 * On a syntax error, nesting deeper than BO_YAML_MAX_DEPTH included,
 * returns BO_EPARSE with "FILE:LINE:COLUMN: YAML syntax error: ..." in err
 * (a repeated mapping key: "FILE:LINE:COLUMN: KEY: duplicate key ..."; the
 * filename is used only for the message), on memory exhaustion BO_ENOMEM;
 * *doc is then empty. Time and memory grow linearly with the text. */
bo_status bo_yaml_parse(const char *text, size_t len, const char *filename,
                        bo_yaml_doc *doc, char *err, size_t errlen);

/* Frees every node; leaves the document empty. Safe on an empty document. */
void bo_yaml_doc_cleanup(bo_yaml_doc *doc);

/* The value stored under key in a mapping, or NULL (also when map is NULL or
 * not a mapping). */
const bo_yaml_node *bo_yaml_map_get(const bo_yaml_node *map, const char *key);

/* True for a plain scalar that YAML reads as null: "", "~", "null". */
int bo_yaml_is_null(const bo_yaml_node *node);

#endif
