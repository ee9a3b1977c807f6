#ifndef BO_IO_MODEL_FILE_H
#define BO_IO_MODEL_FILE_H

/* The model file of `bo-gp`: a person-readable text file holding everything
 * needed to rebuild a fitted GP without refitting: the options, the input
 * box, the column names, the source labels, the hyperparameter vector and the
 * training data. Floating-point values are written with %.17g, so a write
 * followed by a read gives back the same doubles bit for bit and the rebuilt
 * GP predicts exactly as the one that was saved.
 *
 * Layout (version 1): one "key value" line per item in a fixed order, '#'
 * starts a comment line, blank lines are ignored; see docs/bo-gp.md.
 *
 *     bo-gp-model 1
 *     kernel matern52
 *     mean constant
 *     noise learn
 *     fixed_noise_var 0
 *     learn_extra_noise 0
 *     noise_floor 0
 *     restarts 0
 *     seed 1
 *     response y
 *     noise_column sd          (only when the data had one)
 *     source_column source     (only when the data had one)
 *     inputs 2
 *     input <lower> <upper> <name>
 *     categorical <levels> <name>  (a categorical input, instead of 'input')
 *     level <name>                 (one line per level, in index order)
 *     ...
 *     latent_map per_input|shared  (only with categorical inputs)
 *     sources 1
 *     target 0
 *     source <label>
 *     ...
 *     hyper 4
 *     theta <value> <name>
 *     ...
 *     level_latent <count>         (only with categorical inputs)
 *     point <map> <level> <z1> <z2>   canonicalised latent points
 *     ...
 *     data 25
 *     <x_1> ... <x_dim> <source index> <y> [<noise variance>]
 *     ...
 *     end
 *
 * Names (inputs, response, labels, levels) take the rest of their line, so
 * they may hold spaces. A categorical input's values in the data rows are
 * level indices. */

#include <stddef.h>
#include <stdio.h>

#include "gp/bo_status.h"
#include "gp/gp.h"

/* Everything in a model file. Caller-owned; every pointer is owned by the
 * struct and freed by bo_model_file_cleanup. opt.lower and opt.upper point
 * at lower and upper. */
typedef struct bo_model_file {
    bo_gp_options opt;
    char **input_names;     /* opt.dim names */
    double *lower;          /* opt.dim: the input box used for scaling */
    double *upper;
    char *response_name;
    char *noise_column;     /* NULL when the training data had no noise column */
    char *source_column;    /* NULL when the training data had no source column */
    char **source_names;    /* opt.n_sources labels, index = source index */
    size_t n_hyper;
    double *theta;          /* n_hyper values, the optimiser's space */
    char **hyper_names;     /* n_hyper names, as bo_gp_hyper_name gives them */
    size_t n;               /* training points */
    double *X;              /* n-by-dim row-major, caller units */
    size_t *source;         /* n source indices */
    double *y;              /* n responses */
    double *noise_var;      /* n known noise variances; NULL unless opt.noise is
                               BO_NOISE_KNOWN */
    size_t *n_levels;       /* opt.dim values: 0 for a continuous input, else the
                               levels of a categorical one (the GP's n_levels;
                               bo_model_file_build passes them) */
    char ***level_names;    /* opt.dim entries: NULL for a continuous input, else
                               n_levels[j] names in index order */
    size_t n_level_latent;  /* latent points of the categorical inputs' maps */
    double *level_latent;   /* 4 values per point: map, level, z1, z2 (the GP's
                               canonical form, bo_gp_level_latent); set by
                               bo_model_file_capture and read from the file */
} bo_model_file;

/* Sets every member to zero/NULL so cleanup is always safe. */
void bo_model_file_init(bo_model_file *m);
/* Frees everything the struct owns and re-initialises it. */
void bo_model_file_cleanup(bo_model_file *m);

/* Allocates the per-input, per-source and per-point arrays for dim inputs,
 * n_sources sources and n points (noise_var too when with_noise_var), sets
 * opt.dim, opt.n_sources, opt.lower, opt.upper and n; names are left NULL for
 * the caller to fill. Any previous content is freed. BO_EINVAL for a zero
 * size or an overflowing one, BO_ENOMEM when memory runs out. */
bo_status bo_model_file_alloc(bo_model_file *m, size_t dim, size_t n_sources, size_t n,
                              int with_noise_var);

/* Makes input j categorical with n_levels levels (names left NULL for the
 * caller); BO_ENOMEM, or BO_EINVAL for j out of range or 0 levels. */
bo_status bo_model_file_set_categorical(bo_model_file *m, size_t j, size_t n_levels);
/* The name of level `level` of map `map` of gp built from m: a level name,
 * or for the shared map the level names of each categorical input joined
 * by '/'. Written into buf (truncated to len). */
const char *bo_model_file_level_label(const bo_model_file *m, size_t map, size_t level,
                                      char *buf, size_t len);

/* Copies the hyperparameters (values and names) of gp into m, and the
 * canonicalised latent points of its categorical inputs' maps. */
bo_status bo_model_file_capture(bo_model_file *m, const bo_gp *gp);

/* Creates a GP from m: bo_gp_create with m->opt, bo_gp_set_data with the
 * training data, bo_gp_set_hyper with theta (which conditions it). Checks
 * that the stored hyperparameter count and names match what the options
 * give. On success *out owns a conditioned GP; on error *out is NULL and
 * errbuf says why (BO_EINVAL for a mismatch, else the GP's status). */
bo_status bo_model_file_build(const bo_model_file *m, bo_gp **out, char *errbuf,
                              size_t errlen);

/* Writes m to path (through a temporary file renamed into place, so an
 * existing model is replaced whole or not at all). When gp is not NULL a
 * summary of its hyperparameters in caller units is added as comments.
 * BO_EIO with the path and the system's reason on failure. */
bo_status bo_model_file_write(const bo_model_file *m, const bo_gp *gp, const char *path,
                              char *errbuf, size_t errlen);

/* Reads a model file into m (which must be initialised; previous content is
 * freed). BO_EIO when it cannot be opened, BO_EPARSE for a malformed or
 * truncated file, or one with a NUL byte, with "path: line L: ..." in
 * errbuf, BO_ENOMEM. On error m is left clean (as after init). */
bo_status bo_model_file_read(bo_model_file *m, const char *path, char *errbuf,
                             size_t errlen);

/* Prints the fitted hyperparameters of gp in caller units, each line started
 * with prefix: length-scale per input name, signal sd, noise sd and mean per
 * source, the log marginal likelihood, and with several sources the fidelity
 * map (each source's latent point and its distance to the target). */
void bo_model_file_summary(const bo_model_file *m, const bo_gp *gp, FILE *out,
                           const char *prefix);

/* Name <-> value of the mean and noise modes as written in model files and
 * on the command line ("zero", "constant", "per_source"; "learn", "fixed",
 * "per_source", "known"). from_name returns 0 and sets *value, or -1. */
const char *bo_model_mean_name(bo_gp_mean mean);
int bo_model_mean_from_name(const char *name, bo_gp_mean *mean);
const char *bo_model_noise_name(bo_gp_noise noise);
int bo_model_noise_from_name(const char *name, bo_gp_noise *noise);

#endif
