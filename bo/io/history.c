#define _POSIX_C_SOURCE 200809L

#include "bo/io/history.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Columns around the inputs; the header is LEADING, inputs..., TRAILING. */
static const char *const leading_columns[] = {"eval", "phase", "source"};
static const char *const trailing_columns[] = {
    "y",    "status", "message",         "cost",         "cum_cost", "best",
    "acq",  "suggest_seconds", "eval_seconds", "worker", "started",  "finished"};
#define N_LEADING (sizeof leading_columns / sizeof leading_columns[0])
#define N_TRAILING (sizeof trailing_columns / sizeof trailing_columns[0])
#define N_FIXED (N_LEADING + N_TRAILING)

int bo_history_fixed_column(const char *name)
{
    if (strcmp(name, "feasible") == 0)
        return 1;
    for (size_t i = 0; i < N_LEADING; i++)
        if (strcmp(name, leading_columns[i]) == 0)
            return 1;
    for (size_t i = 0; i < N_TRAILING; i++)
        if (strcmp(name, trailing_columns[i]) == 0)
            return 1;
    return 0;
}

const char *bo_history_phase_name(bo_history_phase phase)
{
    switch (phase) {
    case BO_HISTORY_INIT:
        return "init";
    case BO_HISTORY_BO:
        return "bo";
    }
    return "?";
}

const char *bo_history_status_name(bo_history_status status)
{
    switch (status) {
    case BO_HISTORY_OK:
        return "ok";
    case BO_HISTORY_FAILED:
        return "failed";
    case BO_HISTORY_RUNNING:
        return "running";
    }
    return "?";
}

/* ---- the evals a file holds -------------------------------------------- */

/* A set of eval numbers. bo-run's own files number evaluations densely from
 * 1, but a file to read comes from outside and may hold any number up to
 * BO_HISTORY_MAX_EVAL, so memory follows how many evals there are, not how
 * large: an open-addressing hash table with linear probing, at most half
 * full; 0, never an eval, marks an empty slot. */
typedef struct eval_set {
    size_t *slots;
    size_t cap;         /* 0 or a power of two */
    size_t count;
} eval_set;

/* Where eval's probe starts. Multiplying by an odd constant permutes the
 * residues modulo cap, so evals that differ modulo cap (1..cap, say) start
 * at different slots, spread over the table rather than side by side. */
static size_t eval_home(const eval_set *set, size_t eval)
{
    return (size_t)((uint64_t)eval * UINT64_C(0x9E3779B97F4A7C15)) & (set->cap - 1);
}

static int eval_set_has(const eval_set *set, size_t eval)
{
    if (set->cap == 0)
        return 0;
    for (size_t i = eval_home(set, eval); set->slots[i] != 0; i = (i + 1) & (set->cap - 1))
        if (set->slots[i] == eval)
            return 1;
    return 0;
}

/* Adds an eval that is not in the set to a table with room for it. */
static void eval_set_put(eval_set *set, size_t eval)
{
    size_t i = eval_home(set, eval);
    while (set->slots[i] != 0)
        i = (i + 1) & (set->cap - 1);
    set->slots[i] = eval;
    set->count++;
}

/* Makes room for one more eval; 0, or -1 when out of memory (the set is
 * then unchanged). */
static int eval_set_reserve(eval_set *set)
{
    if (2 * (set->count + 1) <= set->cap)
        return 0;
    size_t cap = set->cap ? 2 * set->cap : 64;
    size_t *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return -1;
    eval_set grown = {slots, cap, 0};
    for (size_t i = 0; i < set->cap; i++)
        if (set->slots[i] != 0)
            eval_set_put(&grown, set->slots[i]);
    free(set->slots);
    *set = grown;
    return 0;
}

/* 1: eval was new and is now in the set; 0: already there; -1: no memory. */
static int eval_set_add(eval_set *set, size_t eval)
{
    if (eval_set_has(set, eval))
        return 0;
    if (eval_set_reserve(set) != 0)
        return -1;
    eval_set_put(set, eval);
    return 1;
}

/* ---- growable text ----------------------------------------------------- */

typedef struct text {
    char *data;
    size_t len, cap;
    int failed;   /* an allocation failed; the content is incomplete */
} text;

static void text_append(text *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *data = realloc(t->data, cap);
        if (data == NULL) {
            t->failed = 1;
            return;
        }
        t->data = data;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

static void text_puts(text *t, const char *s)
{
    text_append(t, s, strlen(s));
}

/* %.17g is the shortest printf format that round-trips every double through
 * strtod; NaN becomes an empty field by the file's convention. */
static void text_number(text *t, double v)
{
    if (isnan(v))
        return;
    char tmp[40];
    int n = snprintf(tmp, sizeof tmp, "%.17g", v);
    text_append(t, tmp, (size_t)n);
}

static void text_csv_field(text *t, const char *s)
{
    if (s == NULL)
        return;
    if (strpbrk(s, ",\"\r\n") == NULL) {
        text_puts(t, s);
        return;
    }
    text_append(t, "\"", 1);
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '"')
            text_append(t, "\"", 1);
        text_append(t, p, 1);
    }
    text_append(t, "\"", 1);
}

/* Length of the well-formed UTF-8 sequence at p (1 to 4), or 0 when the
 * bytes there are not one (overlong forms and surrogates included). */
static size_t utf8_sequence(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t n = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
    if (n == 0 || (n == 3 && p[0] > 0xef))
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
        (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
        return 0;
    return n;
}

/* s with every byte that is not part of well-formed UTF-8 replaced by
 * U+FFFD, into t: a message quoting a simulator's binary output must not
 * make the history unreadable to CSV readers that insist on UTF-8. */
static void text_valid_utf8(text *t, const char *s)
{
    t->len = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0';) {
        size_t n = utf8_sequence(p);
        if (n == 0) {
            text_append(t, "\xef\xbf\xbd", 3);
            p++;
        } else {
            text_append(t, (const char *)p, n);
            p += n;
        }
    }
    text_append(t, "", 0); /* allocated and terminated even when s is empty */
}

/* The columns after finished when a run has output constraints: one per
 * constraint output, then this flag. */
static const char feasible_column[] = "feasible";

static void text_header(text *t, const char *const *names, size_t n_inputs,
                        const char *const *outputs, size_t n_outputs)
{
    for (size_t i = 0; i < N_LEADING; i++) {
        text_puts(t, leading_columns[i]);
        text_append(t, ",", 1);
    }
    for (size_t i = 0; i < n_inputs; i++) {
        text_csv_field(t, names[i]);
        text_append(t, ",", 1);
    }
    for (size_t i = 0; i < N_TRAILING; i++) {
        text_puts(t, trailing_columns[i]);
        text_append(t, i + 1 < N_TRAILING || n_outputs > 0 ? "," : "\n", 1);
    }
    if (n_outputs == 0)
        return;
    for (size_t i = 0; i < n_outputs; i++) {
        text_csv_field(t, outputs[i]);
        text_append(t, ",", 1);
    }
    text_puts(t, feasible_column);
    text_append(t, "\n", 1);
}

/* ---- durable appending --------------------------------------------------- */

/* An append-only file whose every record is written with one write() and
 * synced; on failure the file is cut back to the end of the last record so
 * that it never holds half a record followed by more records. */
typedef struct appender {
    int fd;
    unsigned flags;
    off_t good_size;    /* bytes known to be complete records */
    int broken;         /* could not restore good_size: refuse to write */
    char *path;
    char errmsg[512];
} appender;

static void appender_init(appender *a)
{
    a->fd = -1;
    a->flags = 0;
    a->good_size = 0;
    a->broken = 0;
    a->path = NULL;
    a->errmsg[0] = '\0';
}

static void appender_close(appender *a)
{
    if (a->fd >= 0)
        close(a->fd);
    free(a->path);
    appender_init(a);
}

/* Makes a new directory entry durable. Not every file system lets a
 * directory be synced (some return EINVAL); the file's own data is synced
 * regardless, so a failure here is not an error. */
static void sync_parent_directory(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    if (slash == NULL)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else {
        dir = malloc((size_t)(slash - path) + 1);
        if (dir != NULL) {
            memcpy(dir, path, (size_t)(slash - path));
            dir[slash - path] = '\0';
        }
    }
    if (dir == NULL)
        return;
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

/* Opens path for appending. create: make a new file (O_EXCL unless
 * overwriting); otherwise the file must exist and is cut to keep bytes.
 * O_CLOEXEC keeps the descriptor out of objective commands run by the host. */
static bo_status appender_open(appender *a, const char *path, unsigned flags, int create,
                               off_t keep, char *err, size_t err_size)
{
    appender_init(a);
    a->flags = flags;
    a->path = strdup(path);
    if (a->path == NULL)
        return bo_error_msg(err, err_size, BO_ENOMEM, "%s: out of memory", path);
    int oflags = O_WRONLY | O_APPEND | O_CLOEXEC;
    if (create)
        oflags |= O_CREAT | ((flags & BO_HISTORY_OVERWRITE) ? O_TRUNC : O_EXCL);
    a->fd = open(path, oflags, 0644);
    if (a->fd < 0) {
        int e = errno;
        bo_status st = bo_error_msg(err, err_size, BO_EIO, "%s: cannot %s: %s%s", path,
                                    create ? "create" : "open for appending", strerror(e),
                                    e == EEXIST ? " (refusing to overwrite an existing file)" : "");
        appender_close(a);
        return st;
    }
    if (!create) {
        struct stat sb;
        if (fstat(a->fd, &sb) != 0 || (sb.st_size > keep && ftruncate(a->fd, keep) != 0)) {
            bo_status st =
                bo_error_msg(err, err_size, BO_EIO, "%s: cannot cut the torn last line: %s", path,
                             strerror(errno));
            appender_close(a);
            return st;
        }
        if (!(flags & BO_HISTORY_NO_SYNC) && sb.st_size > keep && fsync(a->fd) != 0) {
            bo_status st =
                bo_error_msg(err, err_size, BO_EIO, "%s: cannot sync: %s", path, strerror(errno));
            appender_close(a);
            return st;
        }
    }
    a->good_size = keep;
    if (create && !(flags & BO_HISTORY_NO_SYNC))
        sync_parent_directory(path);
    return BO_OK;
}

static bo_status appender_fail(appender *a, const char *what, int e)
{
    snprintf(a->errmsg, sizeof a->errmsg, "%s: cannot %s: %s", a->path, what, strerror(e));
    if (ftruncate(a->fd, a->good_size) != 0) {
        a->broken = 1;
        size_t used = strlen(a->errmsg);
        snprintf(a->errmsg + used, sizeof a->errmsg - used,
                 "; could not cut the partial record off either, no further records "
                 "will be written");
    }
    return BO_EIO;
}

static bo_status appender_write(appender *a, const char *data, size_t len)
{
    if (a->broken) {
        snprintf(a->errmsg, sizeof a->errmsg, "%s: an earlier write failed and left the "
                 "file inconsistent; no further records are written", a->path);
        return BO_ESTATE;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(a->fd, data + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return appender_fail(a, "write", errno);
        }
        done += (size_t)n;
    }
    /* After a failed fsync the state of the written data is unknown, so the
     * record is taken back as if the write had failed. */
    if (!(a->flags & BO_HISTORY_NO_SYNC) && fsync(a->fd) != 0)
        return appender_fail(a, "sync", errno);
    a->good_size += (off_t)len;
    a->errmsg[0] = '\0';
    return BO_OK;
}

/* ---- reading ------------------------------------------------------------- */

/* The whole file, NUL-terminated (history files are small: one line per
 * expensive evaluation). */
static bo_status read_whole_file(const char *path, char **data, size_t *len, char *err,
                                 size_t err_size)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return bo_error_msg(err, err_size, BO_EIO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 4096, used = 0;
    char *buf = malloc(cap);
    bo_status status = BO_OK;
    while (buf != NULL) {
        if (cap - used < 2) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t n = fread(buf + used, 1, cap - used - 1, f);
        used += n;
        if (n == 0)
            break;
    }
    if (buf == NULL)
        status = bo_error_msg(err, err_size, BO_ENOMEM, "%s: out of memory reading the file", path);
    else if (ferror(f))
        status = bo_error_msg(err, err_size, BO_EIO, "%s: read error: %s", path, strerror(errno));
    fclose(f);
    if (status != BO_OK) {
        free(buf);
        return status;
    }
    buf[used] = '\0';
    *data = buf;
    *len = used;
    return BO_OK;
}

enum { RECORD_COMPLETE = 1, RECORD_TORN = 0, RECORD_BAD = -1 };

typedef struct csv_cursor {
    char *buf;
    size_t len;
    size_t pos;         /* start of the next record */
    size_t line;        /* line number (1-based) of the next record */
    char **fields;
    size_t n_fields, cap_fields;
    const char *problem;  /* why a record is RECORD_BAD */
} csv_cursor;

static int push_field(csv_cursor *c, char *field)
{
    if (c->n_fields == c->cap_fields) {
        size_t cap = c->cap_fields ? 2 * c->cap_fields : 32;
        char **fields = realloc(c->fields, cap * sizeof *fields);
        if (fields == NULL)
            return -1;
        c->fields = fields;
        c->cap_fields = cap;
    }
    c->fields[c->n_fields++] = field;
    return 0;
}

/* Splits the next record into NUL-terminated fields, unquoting in place
 * (an unquoted field is never longer than its quoted form). A record is
 * complete only when its terminating newline, outside quotes, is in the
 * buffer; anything less is what a kill during the write leaves behind. */
static int csv_next_record(csv_cursor *c)
{
    char *buf = c->buf;
    size_t len = c->len, p = c->pos, newlines = 0;
    c->n_fields = 0;
    c->problem = NULL;
    for (;;) {
        if (p >= len)
            return RECORD_TORN;
        size_t start = p, w = p;
        if (buf[p] == '"') {
            p++;
            for (;;) {
                if (p >= len)
                    return RECORD_TORN;
                if (buf[p] == '"') {
                    if (p + 1 < len && buf[p + 1] == '"') {
                        buf[w++] = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                if (buf[p] == '\n')
                    newlines++;
                buf[w++] = buf[p++];
            }
            if (p >= len)
                return RECORD_TORN;
            if (buf[p] != ',' && buf[p] != '\n' && buf[p] != '\r') {
                c->problem = "text after a closing quote";
                return RECORD_BAD;
            }
        } else {
            while (p < len && buf[p] != ',' && buf[p] != '\n' && buf[p] != '\r') {
                if (buf[p] == '"') {
                    c->problem = "a double quote inside an unquoted field";
                    return RECORD_BAD;
                }
                p++;
            }
            if (p >= len)
                return RECORD_TORN;
            w = p;
        }
        char delimiter = buf[p];
        if (delimiter == '\r') {
            if (p + 1 >= len)
                return RECORD_TORN;
            if (buf[p + 1] != '\n') {
                c->problem = "a carriage return not followed by a line feed";
                return RECORD_BAD;
            }
            p++;
            delimiter = '\n';
        }
        buf[w] = '\0';
        if (push_field(c, buf + start) != 0) {
            c->problem = "out of memory";
            return RECORD_BAD;
        }
        p++;
        if (delimiter == '\n') {
            c->pos = p;
            c->line += newlines + 1;
            return RECORD_COMPLETE;
        }
    }
}

/* Strict decimal parse of a double: the whole field, no leading blanks.
 * An empty field is NaN by the file's convention; *empty says so. */
static int parse_double(const char *s, double *v, int *empty)
{
    *empty = s[0] == '\0';
    if (*empty) {
        *v = NAN;
        return 0;
    }
    if (isspace((unsigned char)s[0]))
        return -1;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    /* ERANGE for a result that underflowed to a subnormal is still the
     * exact value printed; only an overflow to infinity is an error. */
    if (*end != '\0' || (errno == ERANGE && isinf(d)))
        return -1;
    *v = d;
    return 0;
}

static int parse_size(const char *s, size_t *v)
{
    if (!isdigit((unsigned char)s[0]))
        return -1;
    char *end;
    errno = 0;
    unsigned long long u = strtoull(s, &end, 10);
    if (*end != '\0' || errno == ERANGE || u > SIZE_MAX)
        return -1;
    *v = (size_t)u;
    return 0;
}

/* The output columns and the feasible flag at the end of the header: with
 * outputs expected they must be there, named as expected; without, the
 * file must not have them (a history of a run with constraints is not one
 * of a run without). On success *nf is the count of columns before them. */
static bo_status check_output_columns(const char *path, csv_cursor *c,
                                      const char *const *outputs, size_t n_outputs,
                                      size_t *nf, char *err, size_t err_size)
{
    char **f = c->fields;
    *nf = c->n_fields;
    if (n_outputs == 0) {
        if (*nf > 0 && strcmp(f[*nf - 1], feasible_column) == 0)
            return bo_error_msg(err, err_size, BO_EPARSE,
                                "%s: line 1: the history has constraint columns and a "
                                "'%s' flag, but the config has no constraints",
                                path, feasible_column);
        return BO_OK;
    }
    if (*nf < N_FIXED + n_outputs + 1 || strcmp(f[*nf - 1], feasible_column) != 0)
        return bo_error_msg(err, err_size, BO_EPARSE,
                            "%s: line 1: the history has no '%s' column at its end, but the "
                            "config has %zu constraint%s ('%s' first)",
                            path, feasible_column, n_outputs, n_outputs == 1 ? "" : "s",
                            outputs[0]);
    size_t first = *nf - 1 - n_outputs;
    for (size_t i = 0; i < n_outputs; i++)
        if (strcmp(f[first + i], outputs[i]) != 0)
            return bo_error_msg(err, err_size, BO_EPARSE,
                                "%s: line 1: column %zu is '%s' but the config's constraint "
                                "%zu is '%s'",
                                path, first + i + 1, f[first + i], i + 1, outputs[i]);
    /* A file with more constraints than the config shows up as extra
     * columns before them, which are neither inputs nor fixed columns. */
    *nf = first;
    return BO_OK;
}

static bo_status check_header(const char *path, csv_cursor *c, const char *const *names,
                              size_t n_inputs, const char *const *outputs, size_t n_outputs,
                              char *err, size_t err_size)
{
    char **f = c->fields;
    size_t nf;
    bo_status st = check_output_columns(path, c, outputs, n_outputs, &nf, err, err_size);
    if (st != BO_OK)
        return st;
    if (nf < N_FIXED)
        return bo_error_msg(err, err_size, BO_EPARSE,
                            "%s: line 1: not a bo-run history header "
                            "(%zu columns, at least %zu expected)",
                            path, nf, N_FIXED);
    for (size_t i = 0; i < N_LEADING; i++)
        if (strcmp(f[i], leading_columns[i]) != 0)
            return bo_error_msg(err, err_size, BO_EPARSE,
                                "%s: line 1: not a bo-run history header "
                                "(column %zu is '%s', expected '%s')",
                                path, i + 1, f[i], leading_columns[i]);
    size_t file_inputs = nf - N_FIXED;
    for (size_t i = 0; i < N_TRAILING; i++)
        if (strcmp(f[N_LEADING + file_inputs + i], trailing_columns[i]) != 0)
            return bo_error_msg(err, err_size, BO_EPARSE,
                                "%s: line 1: not a bo-run history header "
                                "(column %zu is '%s', expected '%s')",
                                path, N_LEADING + file_inputs + i + 1,
                                f[N_LEADING + file_inputs + i], trailing_columns[i]);
    for (size_t i = 0; i < file_inputs && i < n_inputs; i++)
        if (strcmp(f[N_LEADING + i], names[i]) != 0)
            return bo_error_msg(err, err_size, BO_EPARSE,
                                "%s: line 1: input %zu of the history is "
                                "'%s' but the config's input %zu is '%s'",
                                path, i + 1, f[N_LEADING + i], i + 1, names[i]);
    if (file_inputs > n_inputs)
        return bo_error_msg(err, err_size, BO_EPARSE,
                            "%s: line 1: the history has %zu inputs but "
                            "the config has %zu (extra input '%s')",
                            path, file_inputs, n_inputs, f[N_LEADING + n_inputs]);
    if (file_inputs < n_inputs)
        return bo_error_msg(err, err_size, BO_EPARSE,
                            "%s: line 1: the history has %zu inputs but "
                            "the config has %zu (input '%s' missing)",
                            path, file_inputs, n_inputs, names[file_inputs]);
    return BO_OK;
}

/* Fills one row from the fields of record `index` (1-based); strings point
 * into the parse buffer. */
static bo_status parse_outputs(const char *path, const csv_cursor *c, size_t line,
                               size_t index, size_t n_inputs, const char *const *outputs,
                               size_t n_outputs, bo_history_row *row, double *values,
                               char *err, size_t err_size);

/* The index of level name s of categorical input j, or -1. */
static ptrdiff_t level_index(const bo_history_levels *levels, size_t j, const char *s)
{
    for (size_t l = 0; l < levels->n_levels[j]; l++)
        if (strcmp(levels->names[j][l], s) == 0)
            return (ptrdiff_t)l;
    return -1;
}

static int is_categorical(const bo_history_levels *levels, size_t j)
{
    return levels != NULL && levels->n_levels != NULL && levels->n_levels[j] > 0;
}

static bo_status parse_row(const char *path, const csv_cursor *c, size_t line, size_t index,
                           size_t n_inputs, const bo_history_levels *levels,
                           const char *const *outputs, size_t n_outputs, bo_history_row *row,
                           double *x, double *values, char *err, size_t err_size)
{
    char **f = c->fields;
    size_t n_extra = n_outputs > 0 ? n_outputs + 1 : 0;
    if (c->n_fields != N_FIXED + n_inputs + n_extra)
        return bo_error_msg(err, err_size, BO_EPARSE,
                            "%s: row %zu (line %zu): %zu fields, expected "
                            "%zu",
                            path, index, line, c->n_fields, N_FIXED + n_inputs + n_extra);
    size_t eval;
    if (parse_size(f[0], &eval) != 0)
        return bo_error_msg(err, err_size, BO_EPARSE,
                            "%s: row %zu (line %zu): eval '%s' is not a "
                            "whole number",
                            path, index, line, f[0]);
    if (eval == 0)
        return bo_error_msg(err, err_size, BO_EPARSE,
                            "%s: row %zu (line %zu): eval 0 (evaluations are numbered from 1)",
                            path, index, line);
    if ((uint64_t)eval > BO_HISTORY_MAX_EVAL)
        return bo_error_msg(err, err_size, BO_EPARSE,
                            "%s: row %zu (line %zu): eval %zu is beyond the largest "
                            "evaluation number, %llu",
                            path, index, line, eval, (unsigned long long)BO_HISTORY_MAX_EVAL);
    row->eval = eval;
    if (strcmp(f[1], "init") == 0)
        row->phase = BO_HISTORY_INIT;
    else if (strcmp(f[1], "bo") == 0)
        row->phase = BO_HISTORY_BO;
    else
        return bo_error_msg(err, err_size, BO_EPARSE,
                            "%s: row %zu (line %zu): phase '%s', expected "
                            "init or bo",
                            path, index, line, f[1]);
    if (f[2][0] == '\0')
        return bo_error_msg(err, err_size, BO_EPARSE, "%s: row %zu (line %zu): empty source", path,
                            index, line);
    row->source = f[2];
    int empty;
    for (size_t j = 0; j < n_inputs; j++) {
        const char *s = f[N_LEADING + j];
        if (is_categorical(levels, j)) {
            ptrdiff_t l = level_index(levels, j, s);
            if (l < 0)
                return bo_error_msg(err, err_size, BO_EPARSE,
                                    "%s: row %zu (line %zu): input %zu value '%s' is not one "
                                    "of its levels",
                                    path, index, line, j + 1, s);
            x[j] = (double)l;
            continue;
        }
        if (parse_double(s, &x[j], &empty) != 0 || empty || !isfinite(x[j]))
            return bo_error_msg(err, err_size, BO_EPARSE,
                                "%s: row %zu (line %zu): input %zu value "
                                "'%s' is not a finite number",
                                path, index, line, j + 1, s);
    }
    row->x = x;
    char **t = f + N_LEADING + n_inputs; /* y,status,message,cost,...: trailing_columns */
    if (strcmp(t[1], "ok") == 0)
        row->status = BO_HISTORY_OK;
    else if (strcmp(t[1], "failed") == 0)
        row->status = BO_HISTORY_FAILED;
    else if (strcmp(t[1], "running") == 0)
        row->status = BO_HISTORY_RUNNING;
    else
        return bo_error_msg(err, err_size, BO_EPARSE,
                            "%s: row %zu (line %zu): status '%s', "
                            "expected ok, failed or running",
                            path, index, line, t[1]);
    if (parse_double(t[0], &row->y, &empty) != 0)
        return bo_error_msg(err, err_size, BO_EPARSE,
                            "%s: row %zu (line %zu): y '%s' is not a "
                            "number",
                            path, index, line, t[0]);
    if (row->status == BO_HISTORY_OK && !isfinite(row->y))
        return bo_error_msg(err, err_size, BO_EPARSE,
                            "%s: row %zu (line %zu): status ok needs a "
                            "finite y, found '%s'",
                            path, index, line, t[0]);
    if (row->status != BO_HISTORY_OK && !isnan(row->y))
        return bo_error_msg(err, err_size, BO_EPARSE,
                            "%s: row %zu (line %zu): a %s row has y "
                            "'%s', expected an empty field",
                            path, index, line, t[1], t[0]);
    row->message = t[2];
    /* The numbers after the message, in trailing_columns' order; best and
     * acq may be empty. */
    double worker = 0;
    double *targets[] = {&row->cost,         &row->cum_cost,     &row->best,
                         &row->acq,          &row->suggest_seconds, &row->eval_seconds,
                         &worker,            &row->started,      &row->finished};
    for (size_t k = 0; k < sizeof targets / sizeof targets[0]; k++) {
        const char *s = t[3 + k];
        int optional = k == 2 || k == 3;
        if (parse_double(s, targets[k], &empty) != 0 ||
            (!optional && !isfinite(*targets[k])))
            return bo_error_msg(err, err_size, BO_EPARSE,
                                "%s: row %zu (line %zu): %s '%s' is not "
                                "%s",
                                path, index, line, trailing_columns[3 + k], s,
                                optional ? "a number" : "a finite number");
    }
    if (worker < 1 || worker != floor(worker) || worker > 1e9)
        return bo_error_msg(err, err_size, BO_EPARSE,
                            "%s: row %zu (line %zu): worker '%s' is not a worker number (1, 2, ...)",
                            path, index, line, t[9]);
    row->worker = (size_t)worker;
    return parse_outputs(path, c, line, index, n_inputs, outputs, n_outputs, row, values, err,
                         err_size);
}

/* The constraint outputs and the feasible flag after finished. An ok row
 * has every output finite; a failed row may lack some (empty fields: the
 * evaluation failed before, or because of, them). Feasible is 0 or 1, and 1
 * only on an ok row; that it agrees with the bounds is for the caller, who
 * knows them. */
static bo_status parse_outputs(const char *path, const csv_cursor *c, size_t line,
                               size_t index, size_t n_inputs, const char *const *outputs,
                               size_t n_outputs, bo_history_row *row, double *values,
                               char *err, size_t err_size)
{
    row->outputs = NULL;
    row->feasible = 0;
    if (n_outputs == 0)
        return BO_OK;
    char **o = c->fields + N_FIXED + n_inputs;
    int empty;
    for (size_t k = 0; k < n_outputs; k++) {
        if (parse_double(o[k], &values[k], &empty) != 0 ||
            (row->status == BO_HISTORY_OK ? !isfinite(values[k])
                                          : !empty && !isfinite(values[k])))
            return bo_error_msg(err, err_size, BO_EPARSE,
                                "%s: row %zu (line %zu): constraint %s '%s' is not %s", path,
                                index, line, outputs[k], o[k],
                                row->status == BO_HISTORY_OK
                                    ? "a finite number (the row is ok)"
                                    : "a finite number or empty");
    }
    const char *flag = o[n_outputs];
    if (strcmp(flag, "0") != 0 && strcmp(flag, "1") != 0)
        return bo_error_msg(err, err_size, BO_EPARSE,
                            "%s: row %zu (line %zu): %s '%s', expected 0 or 1", path, index,
                            line, feasible_column, flag);
    row->feasible = flag[0] == '1';
    if (row->feasible && row->status != BO_HISTORY_OK)
        return bo_error_msg(err, err_size, BO_EPARSE,
                            "%s: row %zu (line %zu): a %s row cannot be feasible", path, index,
                            line, bo_history_status_name(row->status));
    row->outputs = values;
    return BO_OK;
}

/* What parsing a history file found. */
typedef struct parsed_history {
    char *buf;                 /* the file's text, fields point into it */
    bo_history_row *rows;
    double *xs;                /* n_rows * n_inputs */
    double *outs;              /* n_rows * n_outputs */
    size_t n_rows;
    size_t valid_length;       /* bytes up to the end of the last complete record */
    eval_set evals;            /* the rows' evals */
    int header_torn;           /* the file holds at most a prefix of the header */
} parsed_history;

static void parsed_history_free(parsed_history *p)
{
    free(p->buf);
    free(p->rows);
    free(p->xs);
    free(p->outs);
    free(p->evals.slots);
}

static bo_status check_input_names(const char *const *names, size_t n_inputs, char *err,
                                   size_t err_size)
{
    if (n_inputs == 0 || names == NULL)
        return bo_error_msg(err, err_size, BO_EINVAL, "history: at least one input name is needed");
    for (size_t i = 0; i < n_inputs; i++)
        if (names[i] == NULL || names[i][0] == '\0')
            return bo_error_msg(err, err_size, BO_EINVAL, "history: input %zu has no name", i + 1);
    return BO_OK;
}

static bo_status check_output_names(const char *const *outputs, size_t n_outputs, char *err,
                                    size_t err_size)
{
    if (n_outputs > 0 && outputs == NULL)
        return bo_error_msg(err, err_size, BO_EINVAL, "history: constraint names missing");
    for (size_t i = 0; i < n_outputs; i++)
        if (outputs[i] == NULL || outputs[i][0] == '\0')
            return bo_error_msg(err, err_size, BO_EINVAL, "history: constraint %zu has no name",
                                i + 1);
    return BO_OK;
}

static bo_status check_levels(const bo_history_levels *levels, size_t n_inputs, char *err,
                              size_t err_size)
{
    if (levels == NULL || levels->n_levels == NULL)
        return BO_OK;
    for (size_t j = 0; j < n_inputs; j++) {
        if (levels->n_levels[j] == 0)
            continue;
        if (levels->names == NULL || levels->names[j] == NULL)
            return bo_error_msg(err, err_size, BO_EINVAL, "history: input %zu: level names "
                                "missing", j + 1);
        for (size_t l = 0; l < levels->n_levels[j]; l++)
            if (levels->names[j][l] == NULL || levels->names[j][l][0] == '\0')
                return bo_error_msg(err, err_size, BO_EINVAL, "history: input %zu: level %zu "
                                    "has no name", j + 1, l + 1);
    }
    return BO_OK;
}

static bo_status parse_history(const char *path, const char *const *names, size_t n_inputs,
                               const bo_history_levels *levels, const char *const *outputs,
                               size_t n_outputs, parsed_history *out, char *err,
                               size_t err_size)
{
    memset(out, 0, sizeof *out);
    bo_status status = check_input_names(names, n_inputs, err, err_size);
    if (status == BO_OK)
        status = check_levels(levels, n_inputs, err, err_size);
    if (status == BO_OK)
        status = check_output_names(outputs, n_outputs, err, err_size);
    if (status != BO_OK)
        return status;
    csv_cursor c;
    memset(&c, 0, sizeof c);
    c.line = 1;
    text header = {0};
    text_header(&header, names, n_inputs, outputs, n_outputs);
    if (header.failed) {
        status = bo_error_msg(err, err_size, BO_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    status = read_whole_file(path, &out->buf, &c.len, err, err_size);
    if (status != BO_OK)
        goto done;
    c.buf = out->buf;

    /* A kill while the header was being written leaves a prefix of it. */
    if (c.len < header.len && memcmp(c.buf, header.data, c.len) == 0) {
        out->header_torn = 1;
        goto done;
    }
    int r = csv_next_record(&c);
    if (r == RECORD_BAD) {
        status = bo_error_msg(err, err_size, BO_EPARSE, "%s: line 1: malformed header: %s", path,
                              c.problem);
        goto done;
    }
    if (r == RECORD_TORN) {
        status = bo_error_msg(err, err_size, BO_EPARSE,
                              "%s: line 1: incomplete header that does "
                              "not match the expected one",
                              path);
        goto done;
    }
    status = check_header(path, &c, names, n_inputs, outputs, n_outputs, err, err_size);
    if (status != BO_OK)
        goto done;
    out->valid_length = c.pos;

    size_t cap = 0;
    for (;;) {
        size_t line = c.line;
        r = csv_next_record(&c);
        if (r == RECORD_TORN)
            break;
        size_t index = out->n_rows + 1;
        /* Whatever a last line without a newline holds, it is not a
         * completed row: drop it like any torn line. */
        if (r == RECORD_BAD && memchr(c.buf + c.pos, '\n', c.len - c.pos) == NULL)
            break;
        if (r == RECORD_BAD) {
            status = bo_error_msg(err, err_size, BO_EPARSE, "%s: row %zu (line %zu): %s", path,
                                  index, line, c.problem);
            goto done;
        }
        if (out->n_rows == cap) {
            size_t new_cap = cap ? 2 * cap : 64;
            bo_history_row *rows = realloc(out->rows, new_cap * sizeof *rows);
            if (rows != NULL)
                out->rows = rows;
            double *xs = realloc(out->xs, new_cap * n_inputs * sizeof *xs);
            if (xs != NULL)
                out->xs = xs;
            /* One more than needed, so that the size is never 0. */
            double *outs = realloc(out->outs, (new_cap * n_outputs + 1) * sizeof *outs);
            if (outs != NULL)
                out->outs = outs;
            if (rows == NULL || xs == NULL || outs == NULL) {
                status = bo_error_msg(err, err_size, BO_ENOMEM, "%s: out of memory at row %zu",
                                      path, index);
                goto done;
            }
            cap = new_cap;
        }
        status = parse_row(path, &c, line, index, n_inputs, levels, outputs, n_outputs,
                           &out->rows[out->n_rows], out->xs + out->n_rows * n_inputs,
                           out->outs + out->n_rows * n_outputs, err, err_size);
        if (status != BO_OK)
            goto done;
        int added = eval_set_add(&out->evals, out->rows[out->n_rows].eval);
        if (added != 1) {
            status = added < 0 ? bo_error_msg(err, err_size, BO_ENOMEM, "%s: out of memory", path)
                               : bo_error_msg(err, err_size, BO_EPARSE,
                                              "%s: row %zu (line %zu): eval %zu appears twice",
                                              path, index, line, out->rows[out->n_rows].eval);
            goto done;
        }
        out->n_rows++;
        out->valid_length = c.pos;
    }

done:
    free(header.data);
    free(c.fields);
    if (status != BO_OK) {
        parsed_history_free(out);
        memset(out, 0, sizeof *out);
    }
    return status;
}

bo_status bo_history_read(const char *path, const char *const *input_names, size_t n_inputs,
                          bo_history_row **rows, size_t *n_rows, char *err, size_t err_size)
{
    return bo_history_read_outputs(path, input_names, n_inputs, NULL, 0, rows, n_rows, err,
                                   err_size);
}

bo_status bo_history_read_outputs(const char *path, const char *const *input_names,
                                  size_t n_inputs, const char *const *output_names,
                                  size_t n_outputs, bo_history_row **rows, size_t *n_rows,
                                  char *err, size_t err_size)
{
    return bo_history_read_levels(path, input_names, n_inputs, NULL, output_names, n_outputs,
                                  rows, n_rows, err, err_size);
}

bo_status bo_history_read_levels(const char *path, const char *const *input_names,
                                 size_t n_inputs, const bo_history_levels *levels,
                                 const char *const *output_names, size_t n_outputs,
                                 bo_history_row **rows, size_t *n_rows, char *err,
                                 size_t err_size)
{
    *rows = NULL;
    *n_rows = 0;
    parsed_history p;
    bo_status status = parse_history(path, input_names, n_inputs, levels, output_names,
                                     n_outputs, &p, err, err_size);
    if (status != BO_OK)
        return status;
    if (p.n_rows == 0) {
        parsed_history_free(&p);
        return BO_OK;
    }
    /* One block: rows, then x values (row size is a multiple of the
     * alignment of double, which the row contains), then strings. */
    size_t string_bytes = 0;
    for (size_t i = 0; i < p.n_rows; i++)
        string_bytes += strlen(p.rows[i].source) + strlen(p.rows[i].message) + 2;
    size_t row_bytes = p.n_rows * sizeof(bo_history_row);
    size_t x_bytes = p.n_rows * n_inputs * sizeof(double);
    size_t out_bytes = p.n_rows * n_outputs * sizeof(double);
    char *block = malloc(row_bytes + x_bytes + out_bytes + string_bytes);
    if (block == NULL) {
        parsed_history_free(&p);
        return bo_error_msg(err, err_size, BO_ENOMEM, "%s: out of memory", path);
    }
    bo_history_row *out = (bo_history_row *)(void *)block;
    double *xs = (double *)(void *)(block + row_bytes);
    double *outs = (double *)(void *)(block + row_bytes + x_bytes);
    char *strings = block + row_bytes + x_bytes + out_bytes;
    memcpy(xs, p.xs, x_bytes);
    if (out_bytes > 0)
        memcpy(outs, p.outs, out_bytes);
    for (size_t i = 0; i < p.n_rows; i++) {
        out[i] = p.rows[i];
        out[i].x = xs + i * n_inputs;
        out[i].outputs = n_outputs > 0 ? outs + i * n_outputs : NULL;
        size_t n = strlen(p.rows[i].source) + 1;
        memcpy(strings, p.rows[i].source, n);
        out[i].source = strings;
        strings += n;
        n = strlen(p.rows[i].message) + 1;
        memcpy(strings, p.rows[i].message, n);
        out[i].message = strings;
        strings += n;
    }
    *rows = out;
    *n_rows = p.n_rows;
    parsed_history_free(&p);
    return BO_OK;
}

void bo_history_rows_free(bo_history_row *rows)
{
    free(rows);
}

/* ---- the history handle --------------------------------------------------- */

struct bo_history {
    appender out;
    size_t n_inputs;
    size_t n_outputs;   /* constraint columns (and the feasible flag when > 0) */
    const bo_history_levels *levels; /* borrowed, or NULL: every input a number */
    size_t n_rows;
    eval_set evals;     /* the evals in the file, so none is written twice */
    text line;          /* reused for every row */
    text message;       /* the row's message as valid UTF-8 */
};

static bo_status history_new(bo_history **out, size_t n_inputs, size_t n_outputs,
                             const char *path, char *err, size_t err_size)
{
    bo_history *h = calloc(1, sizeof *h);
    if (h == NULL)
        return bo_error_msg(err, err_size, BO_ENOMEM, "%s: out of memory", path);
    appender_init(&h->out);
    h->n_inputs = n_inputs;
    h->n_outputs = n_outputs;
    *out = h;
    return BO_OK;
}

static bo_status write_header(bo_history *h, const char *const *names,
                              const char *const *outputs, char *err, size_t err_size)
{
    h->line.len = 0;
    text_header(&h->line, names, h->n_inputs, outputs, h->n_outputs);
    if (h->line.failed)
        return bo_error_msg(err, err_size, BO_ENOMEM, "%s: out of memory", h->out.path);
    bo_status status = appender_write(&h->out, h->line.data, h->line.len);
    if (status != BO_OK)
        return bo_error_msg(err, err_size, status, "%s", h->out.errmsg);
    return BO_OK;
}

bo_status bo_history_create(const char *path, const char *const *input_names, size_t n_inputs,
                            unsigned flags, bo_history **out, char *err, size_t err_size)
{
    return bo_history_create_outputs(path, input_names, n_inputs, NULL, 0, flags, out, err,
                                     err_size);
}

bo_status bo_history_create_outputs(const char *path, const char *const *input_names,
                                    size_t n_inputs, const char *const *output_names,
                                    size_t n_outputs, unsigned flags, bo_history **out,
                                    char *err, size_t err_size)
{
    return bo_history_create_levels(path, input_names, n_inputs, NULL, output_names, n_outputs,
                                    flags, out, err, err_size);
}

bo_status bo_history_create_levels(const char *path, const char *const *input_names,
                                   size_t n_inputs, const bo_history_levels *levels,
                                   const char *const *output_names, size_t n_outputs,
                                   unsigned flags, bo_history **out, char *err,
                                   size_t err_size)
{
    *out = NULL;
    bo_status status = check_input_names(input_names, n_inputs, err, err_size);
    if (status == BO_OK)
        status = check_levels(levels, n_inputs, err, err_size);
    if (status == BO_OK)
        status = check_output_names(output_names, n_outputs, err, err_size);
    if (status != BO_OK)
        return status;
    bo_history *h = NULL;
    status = history_new(&h, n_inputs, n_outputs, path, err, err_size);
    if (status != BO_OK)
        return status;
    h->levels = levels;
    status = appender_open(&h->out, path, flags, 1, 0, err, err_size);
    if (status != BO_OK)
        goto fail;
    status = write_header(h, input_names, output_names, err, err_size);
    if (status != BO_OK)
        goto fail;
    *out = h;
    return BO_OK;
fail:
    bo_history_destroy(h);
    return status;
}

bo_status bo_history_open_append(const char *path, const char *const *input_names,
                                 size_t n_inputs, unsigned flags, bo_history **out,
                                 size_t *n_rows, char *err, size_t err_size)
{
    return bo_history_open_append_outputs(path, input_names, n_inputs, NULL, 0, flags, out,
                                          n_rows, err, err_size);
}

bo_status bo_history_open_append_outputs(const char *path, const char *const *input_names,
                                         size_t n_inputs, const char *const *output_names,
                                         size_t n_outputs, unsigned flags, bo_history **out,
                                         size_t *n_rows, char *err, size_t err_size)
{
    return bo_history_open_append_levels(path, input_names, n_inputs, NULL, output_names,
                                         n_outputs, flags, out, n_rows, err, err_size);
}

bo_status bo_history_open_append_levels(const char *path, const char *const *input_names,
                                        size_t n_inputs, const bo_history_levels *levels,
                                        const char *const *output_names, size_t n_outputs,
                                        unsigned flags, bo_history **out, size_t *n_rows,
                                        char *err, size_t err_size)
{
    *out = NULL;
    if (n_rows != NULL)
        *n_rows = 0;
    parsed_history p;
    bo_status status = parse_history(path, input_names, n_inputs, levels, output_names,
                                     n_outputs, &p, err, err_size);
    if (status != BO_OK)
        return status;
    size_t rows = p.n_rows, keep = p.valid_length;
    int header_torn = p.header_torn;
    eval_set evals = p.evals;
    p.evals.slots = NULL;
    parsed_history_free(&p);

    bo_history *h = NULL;
    status = history_new(&h, n_inputs, n_outputs, path, err, err_size);
    if (status != BO_OK) {
        free(evals.slots);
        return status;
    }
    h->evals = evals;
    h->levels = levels;
    status = appender_open(&h->out, path, flags, 0, (off_t)keep, err, err_size);
    if (status != BO_OK)
        goto fail;
    if (header_torn) {
        status = write_header(h, input_names, output_names, err, err_size);
        if (status != BO_OK)
            goto fail;
    }
    h->n_rows = rows;
    if (n_rows != NULL)
        *n_rows = rows;
    *out = h;
    return BO_OK;
fail:
    bo_history_destroy(h);
    return status;
}

static bo_status history_reject(bo_history *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->out.errmsg, sizeof h->out.errmsg, fmt, ap);
    va_end(ap);
    return BO_EINVAL;
}

bo_status bo_history_append(bo_history *h, const bo_history_row *row)
{
    const char *path = h->out.path;
    if (row->eval == 0 || (uint64_t)row->eval > BO_HISTORY_MAX_EVAL ||
        eval_set_has(&h->evals, row->eval))
        return history_reject(h, "%s: row with eval %zu, which %s", path, row->eval,
                              row->eval == 0 ? "is not a suggestion number (1, 2, ...)"
                              : eval_set_has(&h->evals, row->eval)
                                  ? "the file already holds"
                                  : "is beyond the largest evaluation number");
    if (row->phase != BO_HISTORY_INIT && row->phase != BO_HISTORY_BO)
        return history_reject(h, "%s: eval %zu: invalid phase %d", path, row->eval,
                              (int)row->phase);
    if (row->status != BO_HISTORY_OK && row->status != BO_HISTORY_FAILED &&
        row->status != BO_HISTORY_RUNNING)
        return history_reject(h, "%s: eval %zu: invalid status %d", path, row->eval,
                              (int)row->status);
    if (row->source == NULL || row->source[0] == '\0')
        return history_reject(h, "%s: eval %zu: empty source name", path, row->eval);
    if (row->x == NULL)
        return history_reject(h, "%s: eval %zu: no input values", path, row->eval);
    for (size_t j = 0; j < h->n_inputs; j++) {
        if (!isfinite(row->x[j]))
            return history_reject(h, "%s: eval %zu: input %zu is %g", path, row->eval, j + 1,
                                  row->x[j]);
        if (is_categorical(h->levels, j) &&
            !(row->x[j] >= 0 && row->x[j] < (double)h->levels->n_levels[j] &&
              row->x[j] == floor(row->x[j])))
            return history_reject(h, "%s: eval %zu: input %zu is %g, not a level index below "
                                  "%zu", path, row->eval, j + 1, row->x[j],
                                  h->levels->n_levels[j]);
    }
    if (row->status == BO_HISTORY_OK && !isfinite(row->y))
        return history_reject(h, "%s: eval %zu: status ok with y = %g", path, row->eval,
                              row->y);
    if (!isfinite(row->cost) || !isfinite(row->cum_cost) || !isfinite(row->suggest_seconds) ||
        !isfinite(row->eval_seconds) || !isfinite(row->started) || !isfinite(row->finished))
        return history_reject(h, "%s: eval %zu: cost, cum_cost, the seconds and the start and "
                              "end times must be finite", path, row->eval);
    if (row->worker == 0)
        return history_reject(h, "%s: eval %zu: workers are numbered from 1", path, row->eval);
    if (h->n_outputs > 0 && row->outputs == NULL)
        return history_reject(h, "%s: eval %zu: no constraint values", path, row->eval);
    for (size_t k = 0; k < h->n_outputs; k++)
        if (row->status == BO_HISTORY_OK ? !isfinite(row->outputs[k])
                                         : isinf(row->outputs[k]))
            return history_reject(h, "%s: eval %zu: constraint %zu is %g", path, row->eval,
                                  k + 1, row->outputs[k]);
    if (h->n_outputs > 0 && row->feasible && row->status != BO_HISTORY_OK)
        return history_reject(h, "%s: eval %zu: a %s row cannot be feasible", path, row->eval,
                              bo_history_status_name(row->status));

    text *t = &h->line;
    t->len = 0;
    char eval[32];
    snprintf(eval, sizeof eval, "%zu,", row->eval);
    text_puts(t, eval);
    text_puts(t, bo_history_phase_name(row->phase));
    text_append(t, ",", 1);
    text_csv_field(t, row->source);
    for (size_t j = 0; j < h->n_inputs; j++) {
        text_append(t, ",", 1);
        if (is_categorical(h->levels, j))
            text_csv_field(t, h->levels->names[j][(size_t)row->x[j]]);
        else
            text_number(t, row->x[j]);
    }
    text_append(t, ",", 1);
    if (row->status == BO_HISTORY_OK)
        text_number(t, row->y);
    text_append(t, ",", 1);
    text_puts(t, bo_history_status_name(row->status));
    text_append(t, ",", 1);
    text_valid_utf8(&h->message, row->message ? row->message : "");
    text_csv_field(t, h->message.failed ? "" : h->message.data);
    const double tail[] = {row->cost, row->cum_cost, row->best, row->acq,
                           row->suggest_seconds, row->eval_seconds};
    for (size_t k = 0; k < sizeof tail / sizeof tail[0]; k++) {
        text_append(t, ",", 1);
        text_number(t, tail[k]);
    }
    /* Times to the millisecond: %.17g of an epoch time says nothing more. */
    char times[96];
    snprintf(times, sizeof times, ",%zu,%.3f,%.3f", row->worker, row->started, row->finished);
    text_puts(t, times);
    for (size_t k = 0; k < h->n_outputs; k++) {
        text_append(t, ",", 1);
        text_number(t, row->outputs[k]);
    }
    if (h->n_outputs > 0)
        text_puts(t, row->feasible ? ",1" : ",0");
    text_append(t, "\n", 1);
    if (t->failed) {
        snprintf(h->out.errmsg, sizeof h->out.errmsg, "%s: out of memory", path);
        return BO_ENOMEM;
    }
    if (eval_set_reserve(&h->evals) != 0) {
        snprintf(h->out.errmsg, sizeof h->out.errmsg, "%s: out of memory", path);
        return BO_ENOMEM;
    }
    bo_status status = appender_write(&h->out, t->data, t->len);
    if (status == BO_OK) {
        eval_set_put(&h->evals, row->eval);
        h->n_rows++;
    }
    return status;
}

const char *bo_history_errmsg(const bo_history *h)
{
    return h->out.errmsg;
}

int bo_history_fd(const bo_history *h)
{
    return h ? h->out.fd : -1;
}

size_t bo_history_count(const bo_history *h)
{
    return h->n_rows;
}

void bo_history_destroy(bo_history *h)
{
    if (h == NULL)
        return;
    appender_close(&h->out);
    free(h->line.data);
    free(h->message.data);
    free(h->evals.slots);
    free(h);
}

/* ---- state sidecar -------------------------------------------------------- */

struct bo_history_state {
    appender out;
    text line;
};

/* Walks the complete lines of a state file. Returns RECORD_COMPLETE with
 * the line's eval and values (parsed into *values, grown as needed),
 * RECORD_TORN at the end (a last line without newline included), RECORD_BAD
 * with *problem set. */
typedef struct state_cursor {
    const char *buf;
    size_t len, pos, line;
} state_cursor;

static int state_next_line(state_cursor *c, size_t *eval, double **values, size_t *n_values,
                           size_t *cap, const char **problem)
{
    const char *start = c->buf + c->pos;
    const char *nl = memchr(start, '\n', c->len - c->pos);
    if (nl == NULL)
        return RECORD_TORN;
    *n_values = 0;
    const char *p = start;
    char *end;
    if (!isdigit((unsigned char)*p)) {
        *problem = "a line must start with the evaluation number";
        return RECORD_BAD;
    }
    errno = 0;
    unsigned long long e = strtoull(p, &end, 10);
    if (errno == ERANGE || e > SIZE_MAX || (*end != ' ' && *end != '\n')) {
        *problem = "bad evaluation number";
        return RECORD_BAD;
    }
    *eval = (size_t)e;
    p = end;
    while (p < nl) {
        /* Exactly one space before each value, as written. */
        if (*p != ' ' || p + 1 >= nl || isspace((unsigned char)p[1])) {
            *problem = "values must be separated by single spaces";
            return RECORD_BAD;
        }
        p++;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || end > nl || (*end != ' ' && *end != '\n') ||
            (errno == ERANGE && isinf(v))) {
            *problem = "a value is not a number";
            return RECORD_BAD;
        }
        if (*n_values == *cap) {
            size_t new_cap = *cap ? 2 * *cap : 16;
            double *grown = realloc(*values, new_cap * sizeof *grown);
            if (grown == NULL) {
                *problem = "out of memory";
                return RECORD_BAD;
            }
            *values = grown;
            *cap = new_cap;
        }
        (*values)[(*n_values)++] = v;
        p = end;
    }
    c->pos = (size_t)(nl - c->buf) + 1;
    c->line++;
    return RECORD_COMPLETE;
}

bo_status bo_history_state_read(const char *path, size_t max_eval, int *found, size_t *eval,
                                double **values, size_t *n_values, char *err,
                                size_t err_size)
{
    *found = 0;
    *eval = 0;
    *values = NULL;
    *n_values = 0;
    char *buf;
    size_t len;
    bo_status status = read_whole_file(path, &buf, &len, err, err_size);
    if (status != BO_OK)
        return status;
    state_cursor c = {buf, len, 0, 1};
    double *scratch = NULL, *best = NULL;
    size_t cap = 0, n = 0, line_eval = 0, best_n = 0, best_eval = 0;
    int have = 0;
    for (;;) {
        const char *problem = NULL;
        size_t line = c.line;
        int r = state_next_line(&c, &line_eval, &scratch, &n, &cap, &problem);
        if (r == RECORD_TORN)
            break;
        if (r == RECORD_BAD) {
            status = bo_error_msg(err, err_size,
                                  strcmp(problem, "out of memory") == 0 ? BO_ENOMEM : BO_EPARSE,
                                  "%s: line %zu: %s", path, line, problem);
            goto done;
        }
        if (line_eval > max_eval)
            continue;
        double *copy = NULL;
        if (n > 0) {
            copy = malloc(n * sizeof *copy);
            if (copy == NULL) {
                status = bo_error_msg(err, err_size, BO_ENOMEM, "%s: out of memory", path);
                goto done;
            }
            memcpy(copy, scratch, n * sizeof *copy);
        }
        free(best);
        best = copy;
        best_n = n;
        best_eval = line_eval;
        have = 1;
    }
    if (have) {
        *found = 1;
        *eval = best_eval;
        *values = best;
        *n_values = best_n;
        best = NULL;
    }
done:
    free(best);
    free(scratch);
    free(buf);
    return status;
}

static bo_status state_new(bo_history_state **out, const char *path, char *err,
                           size_t err_size)
{
    bo_history_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return bo_error_msg(err, err_size, BO_ENOMEM, "%s: out of memory", path);
    appender_init(&s->out);
    *out = s;
    return BO_OK;
}

bo_status bo_history_state_create(const char *path, unsigned flags, bo_history_state **out,
                                  char *err, size_t err_size)
{
    *out = NULL;
    bo_history_state *s = NULL;
    bo_status status = state_new(&s, path, err, err_size);
    if (status != BO_OK)
        return status;
    status = appender_open(&s->out, path, flags, 1, 0, err, err_size);
    if (status != BO_OK) {
        bo_history_state_destroy(s);
        return status;
    }
    *out = s;
    return BO_OK;
}

bo_status bo_history_state_open_append(const char *path, size_t last_eval, unsigned flags,
                                       bo_history_state **out, char *err, size_t err_size)
{
    *out = NULL;
    struct stat sb;
    if (stat(path, &sb) != 0 && errno == ENOENT)
        return bo_history_state_create(path, flags & ~BO_HISTORY_OVERWRITE, out, err, err_size);

    char *buf;
    size_t len;
    bo_status status = read_whole_file(path, &buf, &len, err, err_size);
    if (status != BO_OK)
        return status;
    state_cursor c = {buf, len, 0, 1};
    double *scratch = NULL;
    size_t cap = 0, n = 0, line_eval = 0, keep = 0;
    for (;;) {
        const char *problem = NULL;
        size_t line = c.line;
        int r = state_next_line(&c, &line_eval, &scratch, &n, &cap, &problem);
        if (r == RECORD_TORN)
            break;
        if (r == RECORD_BAD) {
            status = bo_error_msg(err, err_size,
                                  strcmp(problem, "out of memory") == 0 ? BO_ENOMEM : BO_EPARSE,
                                  "%s: line %zu: %s", path, line, problem);
            break;
        }
        if (line_eval > last_eval)
            break;
        keep = c.pos;
    }
    free(scratch);
    free(buf);
    if (status != BO_OK)
        return status;

    bo_history_state *s = NULL;
    status = state_new(&s, path, err, err_size);
    if (status != BO_OK)
        return status;
    status = appender_open(&s->out, path, flags, 0, (off_t)keep, err, err_size);
    if (status != BO_OK) {
        bo_history_state_destroy(s);
        return status;
    }
    *out = s;
    return BO_OK;
}

bo_status bo_history_state_write(bo_history_state *s, size_t eval, const double *values,
                                 size_t n_values)
{
    text *t = &s->line;
    t->len = 0;
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%zu", eval);
    text_puts(t, tmp);
    for (size_t i = 0; i < n_values; i++) {
        /* Here NaN is spelled out: an empty field cannot be seen between
         * spaces. */
        if (isnan(values[i]))
            snprintf(tmp, sizeof tmp, " nan");
        else
            snprintf(tmp, sizeof tmp, " %.17g", values[i]);
        text_puts(t, tmp);
    }
    text_append(t, "\n", 1);
    if (t->failed) {
        snprintf(s->out.errmsg, sizeof s->out.errmsg, "%s: out of memory", s->out.path);
        return BO_ENOMEM;
    }
    return appender_write(&s->out, t->data, t->len);
}

int bo_history_state_fd(const bo_history_state *s)
{
    return s ? s->out.fd : -1;
}

const char *bo_history_state_errmsg(const bo_history_state *s)
{
    return s->out.errmsg;
}

void bo_history_state_destroy(bo_history_state *s)
{
    if (s == NULL)
        return;
    appender_close(&s->out);
    free(s->line.data);
    free(s);
}
