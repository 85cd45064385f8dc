/* A formatted string value (C: go_panicf). */
#include "pair.h"

int main(void) { go_panicf("item %d of %d failed", 3, 7); }
