# weir's front door.
#   make          release build into build/ (the binary is build/weir)
#   make demo     install what is missing, build, run the main job
#   make test     install what is missing, build Debug with ASan+UBSan and
#                 -Werror, run the whole suite with ctest
#   make fuzz     build the libFuzzer targets with clang (build-fuzz/)
#   make bench    build and run the benchmarks
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE ?= cmake

.PHONY: all build deps demo test fuzz bench clean

all: build

deps:
	@scripts/install-deps

build: deps
	@$(CMAKE) -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@$(CMAKE) --build build -j $(JOBS)

demo: build
	@scripts/demo

test: deps
	@$(CMAKE) -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DWEIR_ASAN=ON \
	  -DWEIR_UBSAN=ON -DWEIR_WERROR=ON >/dev/null
	@$(CMAKE) --build build-test -j $(JOBS)
	@cd build-test && { ctest --output-on-failure -j $(JOBS); \
	  echo $$? > ctest.rc; } 2>&1 | tee ctest.log; \
	  grep -E '^[0-9]+% tests passed' ctest.log | tail -1; \
	  exit $$(cat ctest.rc)

fuzz: deps
	@CC=clang $(CMAKE) -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug \
	  -DWEIR_FUZZ=ON -DWEIR_ASAN=ON -DWEIR_UBSAN=ON >/dev/null
	@$(CMAKE) --build build-fuzz -j $(JOBS)

bench: build
	@bench/run

clean:
	rm -rf build build-test build-fuzz
