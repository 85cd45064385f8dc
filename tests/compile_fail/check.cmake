# Compiles SRC with CC (in STD, gnu11 unless given) and expects failure with a diagnostic matching the file's
# "EXPECT: <regex>" line, so that a test cannot pass because of an unrelated error.  No
# -Werror, and the type warnings off: godefer must make these errors itself.
file(STRINGS ${SRC} expect_line REGEX "EXPECT: ")
string(REGEX REPLACE ".*EXPECT: " "" expect "${expect_line}")
string(REGEX REPLACE " *\\*/.*$" "" expect "${expect}") # the comment's closing */
# A "FLAGS: <flags>" line adds compiler flags (e.g. -fno-exceptions).
file(STRINGS ${SRC} flags_line REGEX "FLAGS: ")
if(flags_line)
  string(REGEX REPLACE ".*FLAGS: " "" flags "${flags_line}")
  separate_arguments(flags)
  list(APPEND EXTRA ${flags})
endif()
if(NOT STD)
  set(STD gnu11)
endif()
execute_process(COMMAND ${CC} -std=${STD} -O2 -Wall -Wextra -Wno-error -Wno-int-conversion -Wno-incompatible-pointer-types -I${INC} ${EXTRA} -c ${SRC} -o /dev/null
                RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "${SRC} compiled, but must not")
endif()
if(NOT err MATCHES "${expect}")
  message(FATAL_ERROR "${SRC} failed for another reason (want /${expect}/):\n${err}")
endif()
message(STATUS "${SRC}: rejected as expected")
