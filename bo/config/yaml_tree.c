#define _POSIX_C_SOURCE 200809L

#include "bo/config/yaml_tree.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Names looked up while a document is built: anchors (scope NULL; the latest
 * node given that anchor) and the keys of every mapping (scope: the
 * mapping), for the duplicate-key check. An open-addressing hash table with
 * linear probing, at most half full, so that a document's keys and aliases
 * cost time in proportion to their number (searching every node made a
 * config of 150,000 keys take minutes). */
typedef struct name_entry {
    const void *scope;
    const char *name;       /* NULL: an empty slot */
    bo_yaml_node *node;
} name_entry;

typedef struct name_table {
    name_entry *slots;
    size_t cap;             /* 0 or a power of two */
    size_t count;
} name_table;

/* FNV-1a over the name, seeded with the scope's address. */
static size_t name_hash(const void *scope, const char *name)
{
    uint64_t h = UINT64_C(14695981039346656037) ^ (uint64_t)(uintptr_t)scope;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= UINT64_C(1099511628211);
    }
    return (size_t)(h ^ (h >> 32));
}

/* The entry of (scope, name), or the empty slot where it would go; the
 * table has at least one empty slot. */
static name_entry *name_slot(const name_table *t, const void *scope, const char *name)
{
    size_t mask = t->cap - 1;
    for (size_t i = name_hash(scope, name) & mask;; i = (i + 1) & mask) {
        name_entry *e = &t->slots[i];
        if (e->name == NULL || (e->scope == scope && strcmp(e->name, name) == 0))
            return e;
    }
}

static bo_yaml_node *name_find(const name_table *t, const void *scope, const char *name)
{
    return t->cap ? name_slot(t, scope, name)->node : NULL;
}

/* Sets (scope, name) to node, adding or replacing the entry; BO_ENOMEM when
 * the table cannot grow (it is then unchanged). */
static bo_status name_put(name_table *t, const void *scope, const char *name, bo_yaml_node *node)
{
    if (2 * (t->count + 1) > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        name_table grown = {calloc(cap, sizeof(name_entry)), cap, t->count};
        if (!grown.slots)
            return BO_ENOMEM;
        for (size_t i = 0; i < t->cap; i++)
            if (t->slots[i].name)
                *name_slot(&grown, t->slots[i].scope, t->slots[i].name) = t->slots[i];
        free(t->slots);
        *t = grown;
    }
    name_entry *e = name_slot(t, scope, name);
    if (e->name == NULL)
        t->count++;
    *e = (name_entry){scope, name, node};
    return BO_OK;
}

typedef struct tree_builder {
    bo_yaml_doc *doc;
    name_table names;       /* anchors and mapping keys seen so far */
    bo_yaml_node **stack;   /* open mappings and lists, innermost last */
    size_t depth, stack_cap;
    int documents;
    const char *filename;
    char *err;
    size_t errlen;
} tree_builder;

static bo_status builder_fail(tree_builder *b, size_t line, size_t column, const char *fmt, ...)
{
    if (b->err && b->errlen) {
        int used = snprintf(b->err, b->errlen, "%s:%zu:%zu: ", b->filename, line, column);
        if (used >= 0 && (size_t)used < b->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(b->err + used, b->errlen - (size_t)used, fmt, ap);
            va_end(ap);
        }
    }
    return BO_EPARSE;
}

static bo_yaml_node *node_new(bo_yaml_doc *doc, bo_yaml_kind kind, const yaml_mark_t *mark)
{
    bo_yaml_node *node = calloc(1, sizeof *node);
    if (!node)
        return NULL;
    node->kind = kind;
    node->line = mark->line + 1;
    node->column = mark->column + 1;
    node->next_allocated = doc->all_nodes;
    doc->all_nodes = node;
    return node;
}

/* Gives node its &anchor, the one an alias of that name then means (until a
 * later node takes the name). */
static bo_status node_set_anchor(tree_builder *b, bo_yaml_node *node, const yaml_char_t *anchor)
{
    if (!anchor)
        return BO_OK;
    node->anchor = strdup((const char *)anchor);
    if (!node->anchor)
        return BO_ENOMEM;
    return name_put(&b->names, NULL, node->anchor, node);
}

/* Adds child to the innermost open container, or makes it the root. A map's
 * children arrive alternately as key and value; *half is 1 while a key
 * waits for its value (half is NULL only at the top, with no container). */
static bo_status builder_attach(tree_builder *b, bo_yaml_node *child, size_t *half)
{
    if (b->depth == 0) {
        b->doc->root = child;
        return BO_OK;
    }
    bo_yaml_node *parent = b->stack[b->depth - 1];
    size_t used = parent->kind == BO_YAML_MAP ? 2 * parent->n + (size_t)(half && *half) : parent->n;
    if (used >= parent->cap) {
        size_t cap = parent->cap ? 2 * parent->cap : 8;
        bo_yaml_node **items = realloc(parent->items, cap * sizeof *items);
        if (!items)
            return BO_ENOMEM;
        parent->items = items;
        parent->cap = cap;
    }
    parent->items[used] = child;
    if (parent->kind == BO_YAML_SEQ) {
        parent->n++;
    } else if (half && *half == 0) {
        if (child->kind != BO_YAML_SCALAR)
            return builder_fail(b, child->line, child->column,
                                "YAML syntax error: a mapping key must be plain text, "
                                "not a %s", child->kind == BO_YAML_MAP ? "mapping" : "list");
        /* YAML forbids repeated keys but libyaml leaves the check to us; a
         * silently ignored duplicate would hide a user's edit. */
        const bo_yaml_node *key = name_find(&b->names, parent, child->text);
        if (key)
            return builder_fail(b, child->line, child->column,
                                "%s: duplicate key (first given at line %zu, column %zu)",
                                child->text, key->line, key->column);
        if (name_put(&b->names, parent, child->text, child) != BO_OK)
            return BO_ENOMEM;
        *half = 1;
    } else if (half) {
        *half = 0;
        parent->n++;
    }
    return BO_OK;
}

static bo_status builder_push(tree_builder *b, bo_yaml_node *node)
{
    if (b->depth == b->stack_cap) {
        size_t cap = b->stack_cap ? 2 * b->stack_cap : 16;
        bo_yaml_node **stack = realloc(b->stack, cap * sizeof *stack);
        if (!stack)
            return BO_ENOMEM;
        b->stack = stack;
        b->stack_cap = cap;
    }
    b->stack[b->depth++] = node;
    return BO_OK;
}

/* libyaml reports reader errors (bad encoding) by byte offset only. */
static void offset_to_mark(const char *text, size_t len, size_t offset, size_t *line, size_t *column)
{
    *line = 1;
    *column = 1;
    for (size_t i = 0; i < offset && i < len; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *column = 1;
        } else {
            (*column)++;
        }
    }
}

/* The 1-based column of the first character of the line holding index that
 * is not a space, or 0 when that line is empty or index is past the end. */
static size_t first_text_column(const char *text, size_t len, size_t index)
{
    if (index >= len)
        return 0;
    size_t start = index;
    while (start > 0 && text[start - 1] != '\n')
        start--;
    size_t at = start;
    while (at < len && text[at] == ' ')
        at++;
    if (at >= len || text[at] == '\n' || text[at] == '\r')
        return 0;
    return at - start + 1;
}

/* An unclosed '{' or '[' makes libyaml stop wherever the next token happens
 * to be (the next key, the end of the file) and name two places: that one
 * and the bracket's. Only one of them is worth reading. The bracket is never
 * closed when the parser stopped at the end of the file, or on a later line
 * whose text starts no further right than the bracket's own line: that text
 * belongs to the block structure around the flow collection, not inside it.
 * Otherwise (a missing comma, a wrong closing bracket) the place where the
 * parser stopped is the mistake. */
static int flow_left_open(const yaml_parser_t *parser, const char *text, size_t len)
{
    size_t open = parser->context_mark.index, stop = parser->problem_mark.index;
    if (stop >= len)
        return 1;
    if (parser->problem_mark.line <= parser->context_mark.line)
        return 0;
    size_t stop_column = first_text_column(text, len, stop);
    return stop_column == 0 || stop_column <= first_text_column(text, len, open);
}

static bo_status report_parser_error(tree_builder *b, const yaml_parser_t *parser,
                                     const char *text, size_t len)
{
    if (parser->error == YAML_MEMORY_ERROR) {
        if (b->err && b->errlen)
            snprintf(b->err, b->errlen, "%s: out of memory while reading YAML", b->filename);
        return BO_ENOMEM;
    }
    size_t line, column;
    if (parser->error == YAML_READER_ERROR) {
        offset_to_mark(text, len, parser->problem_offset, &line, &column);
        return builder_fail(b, line, column, "YAML syntax error: %s (the file must be UTF-8 text)",
                            parser->problem ? parser->problem : "unreadable character");
    }
    line = parser->problem_mark.line + 1;
    column = parser->problem_mark.column + 1;
    size_t index = parser->problem_mark.index;
    const char *problem = parser->problem ? parser->problem : "malformed YAML";
    /* A tab where indentation is expected is the commonest YAML mistake and
     * libyaml's wording for it does not mention tabs. */
    const char *hint = "";
    if (index < len && text[index] == '\t')
        hint = "; tabs cannot indent YAML, use spaces";
    else if (index > 0 && index - 1 < len && text[index - 1] == '\t')
        hint = "; tabs cannot indent YAML, use spaces";
    if (!parser->context)
        return builder_fail(b, line, column, "YAML syntax error: %s%s", problem, hint);

    /* One place per message, and the message says which place it is. */
    size_t open = parser->context_mark.index;
    char bracket = open < len ? text[open] : '\0';
    if ((bracket == '{' || bracket == '[') && flow_left_open(parser, text, len))
        return builder_fail(b, parser->context_mark.line + 1, parser->context_mark.column + 1,
                            "YAML syntax error: the '%c' opened here is never closed "
                            "(expected ',' or '%c' after its last entry)",
                            bracket, bracket == '{' ? '}' : ']');
    char found[32];
    if (index >= len)
        snprintf(found, sizeof found, "at the end of the file");
    else if ((unsigned char)text[index] > ' ' && (unsigned char)text[index] < 0x7f)
        snprintf(found, sizeof found, "at '%c'", text[index]);
    else
        snprintf(found, sizeof found, "here");
    return builder_fail(b, line, column, "YAML syntax error: %s %s; the parser stopped %s%s",
                        problem, parser->context, found, hint);
}

/* Handles one event; sets *done at the end of the stream. */
static bo_status builder_event(tree_builder *b, const yaml_event_t *event, size_t *halves, int *done)
{
    size_t *half = b->depth ? &halves[b->depth - 1] : NULL;
    const yaml_mark_t *mark = &event->start_mark;
    bo_yaml_node *node;
    bo_status status;

    switch (event->type) {
    case YAML_NO_EVENT:
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_END_EVENT:
        return BO_OK;
    case YAML_STREAM_END_EVENT:
        *done = 1;
        return BO_OK;
    case YAML_DOCUMENT_START_EVENT:
        if (++b->documents > 1)
            return builder_fail(b, mark->line + 1, mark->column + 1,
                                "YAML syntax error: a second document ('---') in the file; "
                                "a config is one document");
        return BO_OK;
    case YAML_ALIAS_EVENT: {
        const bo_yaml_node *target =
            name_find(&b->names, NULL, (const char *)event->data.alias.anchor);
        if (!target)
            return builder_fail(b, mark->line + 1, mark->column + 1,
                                "YAML syntax error: alias '*%s' names no anchor defined before it",
                                (const char *)event->data.alias.anchor);
        /* The tree is read-only once built, so sharing the anchored node is safe. */
        return builder_attach(b, (bo_yaml_node *)target, half);
    }
    case YAML_SCALAR_EVENT:
        node = node_new(b->doc, BO_YAML_SCALAR, mark);
        if (!node)
            return BO_ENOMEM;
        node->text = malloc(event->data.scalar.length + 1);
        if (!node->text)
            return BO_ENOMEM;
        memcpy(node->text, event->data.scalar.value, event->data.scalar.length);
        node->text[event->data.scalar.length] = '\0';
        node->text_len = event->data.scalar.length;
        node->plain = event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        status = node_set_anchor(b, node, event->data.scalar.anchor);
        if (status != BO_OK)
            return status;
        return builder_attach(b, node, half);
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        int is_map = event->type == YAML_MAPPING_START_EVENT;
        /* libyaml's scanner takes time quadratic in the depth of flow
         * collections ([[[...), seconds at 40,000; no config needs more than
         * a few levels, so stop at the first one past the limit. */
        if (b->depth >= BO_YAML_MAX_DEPTH)
            return builder_fail(b, mark->line + 1, mark->column + 1,
                                "YAML syntax error: %s nested more than %d deep (lists and "
                                "mappings inside each other); a config needs a few levels",
                                is_map ? "a mapping" : "a list", BO_YAML_MAX_DEPTH);
        node = node_new(b->doc, is_map ? BO_YAML_MAP : BO_YAML_SEQ, mark);
        if (!node)
            return BO_ENOMEM;
        node->text = calloc(1, 1);
        if (!node->text)
            return BO_ENOMEM;
        const yaml_char_t *anchor = is_map ? event->data.mapping_start.anchor
                                           : event->data.sequence_start.anchor;
        status = node_set_anchor(b, node, anchor);
        if (status != BO_OK)
            return status;
        status = builder_attach(b, node, half);
        if (status != BO_OK)
            return status;
        status = builder_push(b, node);
        if (status != BO_OK)
            return status;
        halves[b->depth - 1] = 0;
        return BO_OK;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (b->depth)
            b->depth--;
        return BO_OK;
    }
    return BO_OK;
}

void bo_yaml_doc_cleanup(bo_yaml_doc *doc)
{
    if (!doc)
        return;
    bo_yaml_node *node = doc->all_nodes;
    while (node) {
        bo_yaml_node *next = node->next_allocated;
        free(node->text);
        free(node->items);
        free(node->anchor);
        free(node);
        node = next;
    }
    doc->root = NULL;
    doc->all_nodes = NULL;
}

bo_status bo_yaml_parse(const char *text, size_t len, const char *filename,
                        bo_yaml_doc *doc, char *err, size_t errlen)
{
    tree_builder b = {0};
    yaml_parser_t parser;
    size_t *halves = NULL;   /* per open container: 1 while a map key awaits its value */
    size_t halves_cap = 0;
    bo_status status = BO_OK;

    doc->root = NULL;
    doc->all_nodes = NULL;
    if (err && errlen)
        err[0] = '\0';
    b.doc = doc;
    b.filename = filename ? filename : "<config>";
    b.err = err;
    b.errlen = errlen;

    if (!yaml_parser_initialize(&parser)) {
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory while reading YAML", b.filename);
        return BO_ENOMEM;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

    for (int done = 0; !done;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            status = report_parser_error(&b, &parser, text, len);
            goto fail;
        }
        if (b.depth + 1 > halves_cap) {
            size_t cap = halves_cap ? 2 * halves_cap : 16;
            size_t *grown = realloc(halves, cap * sizeof *grown);
            if (!grown) {
                yaml_event_delete(&event);
                status = BO_ENOMEM;
                goto fail;
            }
            halves = grown;
            halves_cap = cap;
        }
        status = builder_event(&b, &event, halves, &done);
        yaml_event_delete(&event);
        if (status != BO_OK)
            goto fail;
    }
    yaml_parser_delete(&parser);
    free(halves);
    free(b.stack);
    free(b.names.slots);
    return BO_OK;

fail:
    if (status == BO_ENOMEM && err && errlen && err[0] == '\0')
        snprintf(err, errlen, "%s: out of memory while reading YAML", b.filename);
    yaml_parser_delete(&parser);
    free(halves);
    free(b.stack);
    free(b.names.slots);
    bo_yaml_doc_cleanup(doc);
    return status;
}

const bo_yaml_node *bo_yaml_map_get(const bo_yaml_node *map, const char *key)
{
    if (!map || map->kind != BO_YAML_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++) {
        const bo_yaml_node *k = map->items[2 * i];
        if (strcmp(k->text, key) == 0)
            return map->items[2 * i + 1];
    }
    return NULL;
}

int bo_yaml_is_null(const bo_yaml_node *node)
{
    if (!node || node->kind != BO_YAML_SCALAR || !node->plain)
        return 0;
    return node->text[0] == '\0' || strcmp(node->text, "~") == 0 ||
           strcmp(node->text, "null") == 0 || strcmp(node->text, "Null") == 0 ||
           strcmp(node->text, "NULL") == 0;
}
