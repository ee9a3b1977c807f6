#ifndef BO_TESTS_TEST_INTERRUPT_H
#define BO_TESTS_TEST_INTERRUPT_H

/* Cancellation in tests: a one-shot SIGALRM sets a flag, as a program's
 * SIGINT handler sets its own. Each test program that includes this gets
 * its own flag. */
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/* Set from SIGALRM to test cancellation, as a program's SIGINT handler
 * would set its flag. */
static volatile sig_atomic_t interrupted;

static void on_alarm(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* Arms a one-shot SIGALRM after `seconds`; the handler sets interrupted. */
static inline void arm_interrupt(double seconds)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    interrupted = 0;
    struct itimerval it = { { 0, 0 }, { (time_t)seconds,
                                        (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6) } };
    setitimer(ITIMER_REAL, &it, NULL);
}

#endif
