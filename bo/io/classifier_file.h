#ifndef BO_IO_CLASSIFIER_FILE_H
#define BO_IO_CLASSIFIER_FILE_H

/* The classifier model file of `bo-gp fit --class-col`: what rebuilds a
 * fitted GP classifier of success (gp/gpc.h) without refitting: kernel,
 * input box and names, the label column's name, the hyperparameters and the
 * labelled training points. Values are written with %.17g, so the rebuilt
 * classifier predicts exactly as the saved one. Its first line tells it
 * from a regression model file (bo/io/model_file.h):
 *
 *     bo-gp-classifier 1
 *     kernel matern52
 *     label <column name>
 *     inputs 2
 *     input <lower> <upper> <name>
 *     ...
 *     hyper 4
 *     theta <value>
 *     ...
 *     data 25
 *     <x_1> ... <x_dim> <1 success | 0 failure>
 *     ...
 *     end
 *
 * Names take the rest of their line. '#' starts a comment line. */

#include <stddef.h>

#include "gp/bo_status.h"
#include "gp/gp_kernel.h"
#include "gp/gpc.h"

#define BO_CLASSIFIER_MAGIC "bo-gp-classifier"

typedef struct bo_classifier_file {
    bo_kernel_kind kernel;
    size_t dim;
    char **input_names;     /* dim names */
    double *lower, *upper;  /* dim each: the box the classifier scales by */
    char *label_name;
    size_t n_hyper;
    double *theta;          /* n_hyper values, gpc's optimiser space */
    size_t n;
    double *X;              /* n-by-dim, caller units */
    int *success;           /* n labels, 1 or 0 */
} bo_classifier_file;

void bo_classifier_file_init(bo_classifier_file *c);
void bo_classifier_file_cleanup(bo_classifier_file *c);
/* Allocates the arrays for dim inputs and n points (names left NULL).
 * BO_EINVAL for a zero or overflowing size, BO_ENOMEM. */
bo_status bo_classifier_file_alloc(bo_classifier_file *c, size_t dim, size_t n);

/* 1 when the file at path starts with the classifier's first line (any
 * version), 0 otherwise (including when it cannot be read). */
int bo_classifier_file_is(const char *path);

/* Creates the classifier from c (data set, hyperparameters set, which
 * conditions it). BO_EINVAL with a message for a hyperparameter count that
 * does not match, else the classifier's status. */
bo_status bo_classifier_file_build(const bo_classifier_file *c, bo_gpc **out, char *errbuf,
                                   size_t errlen);
/* Writes c through a temporary file renamed into place. BO_EIO with the
 * path and the reason. */
bo_status bo_classifier_file_write(const bo_classifier_file *c, const char *path,
                                   char *errbuf, size_t errlen);
/* Reads a classifier file; BO_EIO, BO_EPARSE with "path: line L: ...",
 * BO_ENOMEM. On error c is left clean. */
bo_status bo_classifier_file_read(bo_classifier_file *c, const char *path, char *errbuf,
                                  size_t errlen);

#endif
