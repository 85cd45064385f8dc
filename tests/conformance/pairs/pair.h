/* Shared by the C side of the paired corpus: Go's fmt.Println(label, v). */
#ifndef PAIR_H
#define PAIR_H
#include <godefer.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static inline void println_any(const char *label, go_any v) {
    printf("%s ", label);
    go_fprint(stdout, v);
    printf("\n");
}
#endif
