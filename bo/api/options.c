/* bo_options: the config keys a program sets by path, turned into the YAML
 * text of a config and loaded by bo/config, so that names, defaults and
 * checks are bo-run's own. */
#include "bo/api/api_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bo_result bo_apii_fail(char *buf, size_t len, bo_result result, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    return result;
}

/* A switch without default, so -Wswitch flags a status added to
 * gp/bo_status.h and not mapped here. */
bo_result bo_apii_result(bo_status status)
{
    switch (status) {
    case BO_OK: return BO_SUCCESS;
    case BO_ENOMEM: return BO_ERR_NOMEM;
    case BO_ENUMERIC: return BO_ERR_NUMERIC;
    case BO_EIO: return BO_ERR_IO;
    case BO_EPARSE: return BO_ERR_PARSE;
    case BO_ESTATE: return BO_ERR_STATE;
    case BO_EOPTIM: return BO_ERR_OPTIM;
    /* The objective's statuses do not arise here (the caller evaluates);
     * were they to, they would be a refused value. */
    case BO_EINVAL:
    case BO_EPLUGIN:
    case BO_EEVAL:
    case BO_ETIMEOUT: return BO_ERR_INVALID;
    }
    return BO_ERR_INVALID;
}

#define FAIL(o, result, ...) bo_apii_fail((o)->err, sizeof (o)->err, result, __VA_ARGS__)

bo_options *bo_options_new(void)
{
    return calloc(1, sizeof(bo_options));
}

void bo_options_free(bo_options *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n_keys; i++) {
        free(o->keys[i].path);
        free(o->keys[i].value);
    }
    free(o->keys);
    free(o->inputs);
    free(o->file);
    free(o);
}

const char *bo_options_error(const bo_options *o)
{
    return o ? o->err : "options: NULL handle";
}

static int is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident_char(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* Dot-separated identifiers: "model.kernel". */
static int is_key_path(const char *p)
{
    if (!is_ident_start(*p))
        return 0;
    for (; *p; p++) {
        if (*p == '.') {
            if (!is_ident_start(p[1]))
                return 0;
        } else if (!is_ident_char(*p)) {
            return 0;
        }
    }
    return 1;
}

/* 1 when a is b or a level above it ("model" of "model.kernel"). */
static int is_prefix_path(const char *a, const char *b)
{
    size_t n = strlen(a);
    return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '.');
}

static char *copy(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s, n);
    return c;
}

bo_result bo_options_set(bo_options *o, const char *path, const char *value)
{
    if (!o)
        return BO_ERR_INVALID;
    o->err[0] = '\0';
    if (!path || !value)
        return FAIL(o, BO_ERR_INVALID, "bo_options_set: %s is NULL", path ? "value" : "path");
    if (o->file)
        return FAIL(o, BO_ERR_STATE, "%s: the options come from %s; only the seed can be "
                    "changed (bo_options_set_seed), other keys are set in the file", path,
                    o->file);
    if (!is_key_path(path))
        return FAIL(o, BO_ERR_INVALID, "'%s': expected a key path of the config such as "
                    "acquisition.type (names of letters, digits and _, joined by dots)", path);
    if (strchr(value, '\n') || strchr(value, '\r'))
        return FAIL(o, BO_ERR_INVALID, "%s: expected a value on one line (a flow list or "
                    "mapping for structured values)", path);
    if (!value[0])
        return FAIL(o, BO_ERR_INVALID, "%s: expected a value, got an empty string", path);
    if (strcmp(path, "inputs") == 0 && o->n_inputs > 0)
        return FAIL(o, BO_ERR_STATE, "inputs: already given by bo_options_add_input; use one "
                    "way or the other");
    for (size_t i = 0; i < o->n_keys; i++) {
        if (strcmp(o->keys[i].path, path) == 0) {
            char *v = copy(value);
            if (!v)
                return FAIL(o, BO_ERR_NOMEM, "out of memory");
            free(o->keys[i].value);
            o->keys[i].value = v;
            return BO_SUCCESS;
        }
        if (is_prefix_path(o->keys[i].path, path) || is_prefix_path(path, o->keys[i].path))
            return FAIL(o, BO_ERR_INVALID, "%s: clashes with %s, set before (a key cannot "
                        "be both a value and a level holding keys)", path, o->keys[i].path);
    }
    if (o->n_keys == o->cap_keys) {
        size_t cap = o->cap_keys ? 2 * o->cap_keys : 16;
        bo_api_key *k = realloc(o->keys, cap * sizeof *k);
        if (!k)
            return FAIL(o, BO_ERR_NOMEM, "out of memory");
        o->keys = k;
        o->cap_keys = cap;
    }
    bo_api_key *k = &o->keys[o->n_keys];
    k->path = copy(path);
    k->value = copy(value);
    if (!k->path || !k->value) {
        free(k->path);
        free(k->value);
        return FAIL(o, BO_ERR_NOMEM, "out of memory");
    }
    o->n_keys++;
    return BO_SUCCESS;
}

bo_result bo_options_add_input(bo_options *o, const char *name, double lower, double upper,
                               int log_scale)
{
    if (!o)
        return BO_ERR_INVALID;
    o->err[0] = '\0';
    if (o->file)
        return FAIL(o, BO_ERR_STATE, "inputs: the options come from %s, which names them",
                    o->file);
    size_t i = o->n_inputs;
    if (!name || !is_ident_start(name[0]) || strlen(name) >= sizeof o->inputs[0].name)
        return FAIL(o, BO_ERR_INVALID, "inputs[%zu].name: expected an identifier (letters, "
                    "digits and _, not starting with a digit, at most %zu characters), got "
                    "'%s'", i, sizeof o->inputs[0].name - 1, name ? name : "(NULL)");
    for (const char *p = name; *p; p++)
        if (!is_ident_char(*p))
            return FAIL(o, BO_ERR_INVALID, "inputs[%zu].name: expected an identifier (letters, "
                        "digits and _), got '%s'", i, name);
    if (!isfinite(lower) || !isfinite(upper) || !(lower < upper))
        return FAIL(o, BO_ERR_INVALID, "inputs[%zu] (%s): expected finite lower < upper, got "
                    "[%g, %g]", i, name, lower, upper);
    for (size_t k = 0; k < o->n_keys; k++)
        if (strcmp(o->keys[k].path, "inputs") == 0)
            return FAIL(o, BO_ERR_STATE, "inputs: already set by bo_options_set; use one way "
                        "or the other");
    if (o->n_inputs == o->cap_inputs) {
        size_t cap = o->cap_inputs ? 2 * o->cap_inputs : 8;
        bo_api_input *in = realloc(o->inputs, cap * sizeof *in);
        if (!in)
            return FAIL(o, BO_ERR_NOMEM, "out of memory");
        o->inputs = in;
        o->cap_inputs = cap;
    }
    bo_api_input *in = &o->inputs[o->n_inputs++];
    snprintf(in->name, sizeof in->name, "%s", name);
    in->lower = lower;
    in->upper = upper;
    in->log_scale = log_scale != 0;
    return BO_SUCCESS;
}

bo_result bo_options_read_file(bo_options *o, const char *path)
{
    if (!o)
        return BO_ERR_INVALID;
    o->err[0] = '\0';
    if (!path || !path[0])
        return FAIL(o, BO_ERR_INVALID, "bo_options_read_file: expected a file name");
    if (o->n_keys || o->n_inputs)
        return FAIL(o, BO_ERR_STATE, "%s: options were set before (%s); a config file gives "
                    "them all", path, o->n_keys ? o->keys[0].path : "inputs");
    char *f = copy(path);
    if (!f)
        return FAIL(o, BO_ERR_NOMEM, "out of memory");
    free(o->file);
    o->file = f;
    return BO_SUCCESS;
}

bo_result bo_options_set_seed(bo_options *o, uint64_t seed)
{
    if (!o)
        return BO_ERR_INVALID;
    o->err[0] = '\0';
    o->have_seed = 1;
    o->seed = seed;
    return BO_SUCCESS;
}

/* ---- the YAML text ---- */

typedef struct text_buf {
    char *s;
    size_t n, cap;
    int failed;
} text_buf;

static void put(text_buf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text_buf *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int len = vsnprintf(t->s ? t->s + t->n : NULL, t->s ? t->cap - t->n : 0, fmt, ap);
        va_end(ap);
        if (len < 0) {
            t->failed = 1;
            return;
        }
        if (t->s && t->n + (size_t)len < t->cap) {
            t->n += (size_t)len;
            return;
        }
        size_t cap = t->cap ? t->cap : 1024;
        while (cap <= t->n + (size_t)len)
            cap *= 2;
        char *s = realloc(t->s, cap);
        if (!s) {
            t->failed = 1;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
}

/* Length of the first segment of path after skip bytes. */
static size_t segment_len(const char *path)
{
    const char *dot = strchr(path, '.');
    return dot ? (size_t)(dot - path) : strlen(path);
}

/* Emits the keys under prefix (prefix_len bytes of some key's path, with
 * its dot) as a block mapping indented by depth levels; line_key[l] gets
 * the key written on line l (1-based), for messages. */
static void emit_level(const bo_options *o, text_buf *t, const char *prefix, size_t prefix_len,
                       int depth, size_t *line, size_t *line_key, size_t n_lines)
{
    for (size_t i = 0; i < o->n_keys; i++) {
        const char *p = o->keys[i].path;
        if (strncmp(p, prefix, prefix_len) != 0)
            continue;
        const char *rest = p + prefix_len;
        size_t seg = segment_len(rest);
        /* Each segment once, at its first key. */
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) {
            const char *q = o->keys[j].path;
            seen = strncmp(q, prefix, prefix_len) == 0 &&
                   strncmp(q + prefix_len, rest, seg) == 0 &&
                   (q[prefix_len + seg] == '.' || q[prefix_len + seg] == '\0');
        }
        if (seen)
            continue;
        if (*line < n_lines)
            line_key[*line] = i;
        (*line)++;
        if (rest[seg] == '\0') {
            put(t, "%*s%.*s: %s\n", 2 * depth, "", (int)seg, rest, o->keys[i].value);
        } else {
            put(t, "%*s%.*s:\n", 2 * depth, "", (int)seg, rest);
            emit_level(o, t, p, prefix_len + seg + 1, depth + 1, line, line_key, n_lines);
        }
    }
}

/* The config text of the options; line_key (n_keys + n_inputs + 2 lines)
 * maps a line to the key written there (SIZE_MAX: none). NULL on no
 * memory. */
static char *options_text(const bo_options *o, size_t *len, size_t *line_key, size_t n_lines)
{
    text_buf t = {0};
    size_t line = 1;
    for (size_t l = 0; l < n_lines; l++)
        line_key[l] = SIZE_MAX;
    emit_level(o, &t, "", 0, 0, &line, line_key, n_lines);
    if (o->n_inputs) {
        put(&t, "inputs:\n");
        for (size_t i = 0; i < o->n_inputs; i++) {
            const bo_api_input *in = &o->inputs[i];
            put(&t, "  - {name: %s, lower: %.17g, upper: %.17g%s}\n", in->name, in->lower,
                in->upper, in->log_scale ? ", scale: log" : "");
        }
    }
    put(&t, "%s", "");
    if (t.failed) {
        free(t.s);
        return NULL;
    }
    *len = t.n;
    return t.s;
}

/* The name generated text has in the config's messages. */
static const char OPTIONS_NAME[] = "options";

bo_result bo_apii_load_config(bo_options *o, bo_config *cfg)
{
    bo_status st;
    char msg[sizeof o->err];
    if (o->file) {
        st = bo_config_load_flags(o->file, BO_CONFIG_LIBRARY, cfg, msg, sizeof msg);
        if (st != BO_OK)
            return FAIL(o, bo_apii_result(st), "%s", msg);
    } else {
        size_t n_lines = o->n_keys * 2 + o->n_inputs + 4, len = 0;
        size_t *line_key = malloc(n_lines * sizeof *line_key);
        char *text = line_key ? options_text(o, &len, line_key, n_lines) : NULL;
        if (!text) {
            free(line_key);
            return FAIL(o, BO_ERR_NOMEM, "out of memory");
        }
        st = bo_config_load_text(text, len, OPTIONS_NAME, BO_CONFIG_LIBRARY, cfg, msg,
                                 sizeof msg);
        free(text);
        if (st != BO_OK) {
            /* "options:LINE:COLUMN: " names a place in text the caller never
             * saw: say which option instead, when the message does not
             * start with its key already. */
            size_t line = 0, column = 0;
            int used = 0;
            const char *rest = msg;
            if (sscanf(msg, "options:%zu:%zu: %n", &line, &column, &used) == 2 && used > 0)
                rest = msg + used;
            size_t k = line < n_lines ? line_key[line] : SIZE_MAX;
            free(line_key);
            if (k != SIZE_MAX && strncmp(rest, o->keys[k].path, strlen(o->keys[k].path)) != 0)
                return FAIL(o, bo_apii_result(st), "option %s = %s: %s", o->keys[k].path,
                            o->keys[k].value, rest);
            return FAIL(o, bo_apii_result(st), "%s", rest);
        }
        free(line_key);
    }
    if (o->have_seed)
        cfg->seed = o->seed;
    return BO_SUCCESS;
}
