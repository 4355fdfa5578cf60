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

# The documentation's SQL examples must check, and the function list must
# match the registry.
add_test(NAME docs_examples
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/docs/check-examples
          --weir $<TARGET_FILE:weir>
          ${PROJECT_SOURCE_DIR}/docs/sql.md ${PROJECT_SOURCE_DIR}/README.md
          ${PROJECT_SOURCE_DIR}/docs/tutorial.md)
set_tests_properties(docs_examples PROPERTIES LABELS conformance TIMEOUT 120)
add_test(NAME docs_functions
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/docs/gen-functions.py
          --check ${PROJECT_SOURCE_DIR}/docs/functions.md)
set_tests_properties(docs_functions PROPERTIES LABELS conformance TIMEOUT 60)
# Every function has examples and an error in docs/function-examples.txt
# (rendered into functions.md): the examples, run by weir, give the results
# shown, and weir check rejects the errors with the messages shown.
add_test(NAME docs_function_examples
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/docs/check-functions
          --weir $<TARGET_FILE:weir> --require-all)
set_tests_properties(docs_function_examples PROPERTIES LABELS conformance
  TIMEOUT 120)
# The reference documents every statement, clause, type, function and
# property that the source defines, each with an example and an error.
add_test(NAME docs_reference
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/docs/check-reference
          --weir $<TARGET_FILE:weir>
          ${PROJECT_SOURCE_DIR}/docs/sql.md ${PROJECT_SOURCE_DIR}/docs/functions.md)
set_tests_properties(docs_reference PROPERTIES LABELS conformance TIMEOUT 120)

# A sanitizer report must never pass for "the statement was rejected"
# (exit status 1): give ASan and UBSan exit statuses of their own.
set(_weir_conf_tests golden docs_examples docs_function_examples
    docs_reference)
if(TEST conformance_qtt)
  list(APPEND _weir_conf_tests conformance_qtt)
endif()
if(TEST conformance_errors)
  list(APPEND _weir_conf_tests conformance_errors)
endif()
set_tests_properties(${_weir_conf_tests} PROPERTIES ENVIRONMENT
  "ASAN_OPTIONS=exitcode=86:detect_leaks=1;UBSAN_OPTIONS=halt_on_error=1:exitcode=87:print_stacktrace=1")

# The engine over the QTT corpus: run-qtt runs every case through
# `weir test`; the cases listed in qtt-passing.txt must pass.
if(EXISTS ${WEIR_QTT_CASES})
  add_test(NAME conformance_qtt_run
    COMMAND ${Python3_EXECUTABLE} ${WEIR_CONFORMANCE_DIR}/run-qtt
            --weir $<TARGET_FILE:weir> --jobs 2
            --passing ${WEIR_CONFORMANCE_DIR}/qtt-passing.txt
            ${WEIR_QTT_CASES})
  set_tests_properties(conformance_qtt_run PROPERTIES
    LABELS conformance TIMEOUT 600)
  list(APPEND _weir_conf_tests conformance_qtt_run)
endif()

# Spark Streaming's DStream cases through `weir test` with processing
# time; the cases listed in spark-passing.txt must pass.
set(WEIR_SPARK_CASES ${PROJECT_SOURCE_DIR}/../shared/conformance/spark/cases.jsonl)
if(EXISTS ${WEIR_SPARK_CASES})
  add_test(NAME conformance_spark_run
    COMMAND ${Python3_EXECUTABLE} ${WEIR_CONFORMANCE_DIR}/run-spark
            --weir $<TARGET_FILE:weir>
            --passing ${WEIR_CONFORMANCE_DIR}/spark-passing.txt
            ${WEIR_SPARK_CASES})
  set_tests_properties(conformance_spark_run PROPERTIES
    LABELS conformance TIMEOUT 300)
  list(APPEND _weir_conf_tests conformance_spark_run)
endif()

# `weir test` cases of our own (windows, emission, late data, joins, bad
# input, the comparator), run-qtt's self-test against a fake engine, and
# thread-count determinism of `weir run`.
add_test(NAME weir_test_cases
  COMMAND ${Python3_EXECUTABLE} ${WEIR_CONFORMANCE_DIR}/run-weir-tests
          --weir $<TARGET_FILE:weir> ${WEIR_CONFORMANCE_DIR}/weir-test)
set_tests_properties(weir_test_cases PROPERTIES LABELS conformance TIMEOUT 120)
add_test(NAME run_qtt_selftest
  COMMAND ${Python3_EXECUTABLE} ${WEIR_CONFORMANCE_DIR}/selftest-run-qtt)
set_tests_properties(run_qtt_selftest PROPERTIES LABELS conformance
  TIMEOUT 300)
add_test(NAME run_threads_identical
  COMMAND ${WEIR_CONFORMANCE_DIR}/check-threads $<TARGET_FILE:weir>)
set_tests_properties(run_threads_identical PROPERTIES LABELS integration
  TIMEOUT 300)
add_test(NAME run_files
  COMMAND ${WEIR_CONFORMANCE_DIR}/check-run $<TARGET_FILE:weir>)
set_tests_properties(run_files PROPERTIES LABELS integration TIMEOUT 120)
list(APPEND _weir_conf_tests weir_test_cases run_threads_identical run_files)
set_tests_properties(${_weir_conf_tests} PROPERTIES ENVIRONMENT
  "ASAN_OPTIONS=exitcode=86:detect_leaks=1;UBSAN_OPTIONS=halt_on_error=1:exitcode=87:print_stacktrace=1")

# docs/operators.md is generated from the Operator: blocks of src/exec.
add_test(NAME docs_operators
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/docs/gen-operators.py
          --check ${PROJECT_SOURCE_DIR}/docs/operators.md)
set_tests_properties(docs_operators PROPERTIES LABELS conformance TIMEOUT 60)

# Spark's backpressure (PID rate estimator, Kafka maxRatePerPartition per
# batch) through src/connectors/rate.c: every case must pass.
set(WEIR_RATE_CASES
    ${PROJECT_SOURCE_DIR}/../shared/conformance/spark/rate_cases.jsonl)
if(EXISTS ${WEIR_RATE_CASES})
  add_test(NAME conformance_rate_run
    COMMAND ${Python3_EXECUTABLE} ${WEIR_CONFORMANCE_DIR}/run-rate
            --driver $<TARGET_FILE:rate_driver> ${WEIR_RATE_CASES})
  set_tests_properties(conformance_rate_run PROPERTIES
    LABELS conformance TIMEOUT 120 ENVIRONMENT
    "ASAN_OPTIONS=exitcode=86:detect_leaks=1;UBSAN_OPTIONS=halt_on_error=1:exitcode=87:print_stacktrace=1")
endif()
