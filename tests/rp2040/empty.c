/* tests/rp2040/empty.c - the floor of make bench-rp2040: an image with the
 * stand-in SDK's startup and nothing else (main returns at once). The
 * examples' sizes minus this are what coop, the port and the example add.
 *
 * SPDX-License-Identifier: MIT
 */
int main(void)
{
    return 0;
}
