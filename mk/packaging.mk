# mk/packaging.mk - install coop, and the ways a project takes it.
#
#   make install PREFIX=dir [DESTDIR=dir]
#                      the headers (<prefix>/include, the ports in
#                      include/coop/ports), coop.pc (share/pkgconfig) and the
#                      CMake package (share/cmake/coop); PREFIX defaults to
#                      /usr/local. It runs CMake's install (cmake --install of
#                      $(BUILD)/cmake, CMake 3.15 or later): the one
#                      description of the layout, also without pico-sdk when
#                      PICO_SDK_PATH is set (-DCOOP_PICO=OFF).
#   make test-packaging
#                      tests/packaging/run.sh: library.json checked, make
#                      install (also with DESTDIR), a consumer built and run
#                      via find_package, pkg-config, add_subdirectory and
#                      FetchContent (a file:// archive), the pico-sdk builds
#                      with a CMake stand-in SDK
# Its Debian packages are in .ci/deps.d/packaging.list.

PREFIX ?= /usr/local

.PHONY: install test-packaging
CHECK_TARGETS += test-packaging

help::
	@echo "  make install PREFIX=dir [DESTDIR=dir]   headers, coop.pc and the CMake package (cmake --install; PREFIX /usr/local)"
	@echo "  make test-packaging  library.json checked; make install; a consumer via find_package, pkg-config,"
	@echo "                       add_subdirectory and FetchContent (file://); the pico-sdk builds (stand-in SDK)"

install:
	@command -v cmake >/dev/null || { echo "make install: needs cmake (make deps)"; exit 1; }
	@mkdir -p $(BUILD)
	@cmake -S . -B $(BUILD)/cmake -DCOOP_PICO=OFF -Werror=dev >$(BUILD)/cmake.log 2>&1 || \
	    { cat $(BUILD)/cmake.log; exit 1; }
	DESTDIR='$(if $(DESTDIR),$(abspath $(DESTDIR)))' cmake --install $(BUILD)/cmake --prefix '$(abspath $(PREFIX))'

test-packaging:
	@echo "== packaging: library.json, make install, find_package, pkg-config, add_subdirectory, FetchContent, pico-sdk"
	@BUILD=$(BUILD) MAKE=$(MAKE) bash tests/packaging/run.sh
