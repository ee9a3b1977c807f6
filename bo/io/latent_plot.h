#ifndef BO_IO_LATENT_PLOT_H
#define BO_IO_LATENT_PLOT_H

/* The latent maps of a fitted model drawn with gnuplot (as GP+'s latent-map
 * figures): one panel per map -- the fidelity map of the sources when there
 * are several, then each categorical input's map (or the one shared map) --
 * each level a labelled point in its 2-D latent space, on equal axes, so
 * that the distance between two points reads as their correlation
 * exp(-d^2). As for convergence plots (plot.h), the data (.dat) and the
 * script (.gp) are written beside the picture, with relative names, so the
 * figure can be restyled and re-drawn with `gnuplot NAME.gp`. */

#include <stddef.h>

#include "bo/io/model_file.h"
#include "gp/bo_status.h"
#include "gp/gp.h"

/* The panels the figure of m (gp built from it) has: 0 when it has no
 * latent map (one source, no categorical input). */
size_t bo_latent_plot_panels(const bo_model_file *m, const bo_gp *gp);

/* Writes STEM.dat and STEM.gp and, when gnuplot is on PATH, draws
 * png_path, which must end in ".png" (STEM is png_path without it).
 * *drawn is 1 when the picture was drawn, 0 without gnuplot. BO_EINVAL
 * for a model without latent maps or a path not ending in .png, BO_EIO
 * when a file cannot be written or gnuplot fails, with a message in err. */
bo_status bo_latent_plot(const bo_model_file *m, const bo_gp *gp, const char *png_path,
                         int *drawn, char *err, size_t errlen);

#endif
