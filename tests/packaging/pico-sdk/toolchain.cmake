# tests/packaging/pico-sdk/toolchain.cmake - the stand-in SDK's toolchain
# (see pico_sdk_init.cmake): arm-none-eabi-gcc for the RP2040's Cortex-M0+,
# as tests/rp2040 builds with make rp2040.
#
# SPDX-License-Identifier: MIT
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR cortex-m0plus)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY) # no startup code to link a test program with
foreach(lang C CXX ASM)
  set(CMAKE_${lang}_FLAGS_INIT "-mcpu=cortex-m0plus -mthumb -ffunction-sections -fdata-sections")
endforeach()
