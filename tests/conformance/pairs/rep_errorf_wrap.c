/* A wrapped error (fmt.Errorf with %w) is printed through Error. */
#include "pair.h"

int main(void) { go_panic(go_error_wrap(go_error("permission denied"), "open config")); }
