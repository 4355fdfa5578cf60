# Conformance tests: drivers of the `weir` binary written in Python (standard
# library only). Included from tests/CMakeLists.txt.
#
#   conformance_qtt     weir check over the ksqlDB QTT corpus in
#                       ../shared/conformance (registered only if present)
#   conformance_errors  the %%FAIL / %%OK error-message corpus,
#                       tests/conformance/errors/*.test
#   golden              AST and plan dumps, tests/golden/*.sql
#
# Run them with `ctest -L conformance`; see each script's --help.
find_package(Python3 COMPONENTS Interpreter REQUIRED)

set(WEIR_CONFORMANCE_DIR ${PROJECT_SOURCE_DIR}/tests/conformance)
set(WEIR_QTT_CASES
    ${PROJECT_SOURCE_DIR}/../shared/conformance/ksql-qtt/cases.jsonl)

if(EXISTS ${WEIR_QTT_CASES})
  add_test(NAME conformance_qtt
    COMMAND ${Python3_EXECUTABLE} ${WEIR_CONFORMANCE_DIR}/check-qtt
            --weir $<TARGET_FILE:weir>
            --allow-failures ${WEIR_CONFORMANCE_DIR}/qtt-allow-failures.txt
            ${WEIR_QTT_CASES})
  set_tests_properties(conformance_qtt PROPERTIES
    LABELS conformance TIMEOUT 300)
else()
  message(STATUS "QTT corpus not found at ${WEIR_QTT_CASES}: "
                 "conformance_qtt not registered")
endif()

file(GLOB WEIR_ERROR_TESTS CONFIGURE_DEPENDS
     ${WEIR_CONFORMANCE_DIR}/errors/*.test)
if(WEIR_ERROR_TESTS)
  add_test(NAME conformance_errors
    COMMAND ${Python3_EXECUTABLE} ${WEIR_CONFORMANCE_DIR}/run-errors
            --weir $<TARGET_FILE:weir> ${WEIR_ERROR_TESTS})
  set_tests_properties(conformance_errors PROPERTIES
    LABELS conformance TIMEOUT 120)
endif()

add_test(NAME golden
  COMMAND ${Python3_EXECUTABLE} ${WEIR_CONFORMANCE_DIR}/run-golden
          --weir $<TARGET_FILE:weir> --dir ${PROJECT_SOURCE_DIR}/tests/golden)
set_tests_properties(golden PROPERTIES LABELS conformance TIMEOUT 120)
