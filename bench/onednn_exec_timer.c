/*
 * Process-CPU time of every oneDNN primitive execution, printed on stdout as `cpu_ms,<ms>` right
 * after oneDNN's own ONEDNN_VERBOSE line for that execution, so that PyTorch's and geomad's calls
 * of the same library can be compared per primitive in CPU time (ONEDNN_VERBOSE's own figure is
 * wall time, which on a shared machine measures the load). `deno task bench:onednn` pairs the
 * lines and prints the table. Build, then run either side:
 *
 *   gcc -O2 -shared -fPIC -o /tmp/libdnnl_timer.so bench/onednn_exec_timer.c -ldl \
 *     -Wl,--no-as-needed /usr/lib/x86_64-linux-gnu/libdnnl.so.2
 *   LD_PRELOAD=/tmp/libdnnl_timer.so ONEDNN_VERBOSE=1 OMP_NUM_THREADS=1 \
 *     /usr/bin/python3 bench/torch_wrn.py --precision bf16 --threads 1 > torch.log
 *   ONEDNN_VERBOSE=1 OMP_NUM_THREADS=1 deno task bench:step --dnnl /tmp/libdnnl_timer.so \
 *     --threads 1 --precisions bf16 > geomad.log
 *
 * PyTorch calls oneDNN through the dynamic linker, so LD_PRELOAD puts this function in front.
 * geomad opens oneDNN with dlopen and looks each symbol up in that library, so it opens this one
 * as its oneDNN (`--dnnl`): it links libdnnl.so.2, which provides every other symbol.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <time.h>

typedef int (*execute_fn)(void *, void *, int, const void *);

int dnnl_primitive_execute(void *primitive, void *stream, int nargs, const void *args) {
  static execute_fn real;
  if (!real) real = (execute_fn)dlsym(RTLD_NEXT, "dnnl_primitive_execute");
  struct timespec t0, t1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
  int status = real(primitive, stream, nargs, args);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
  printf("cpu_ms,%.4f\n", (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
  fflush(stdout);
  return status;
}
