/* x710-mmio-timing: what one register access to the emulated X710 costs the
 * guest, timed inside the guest. Each access to BAR0 leaves the vCPU for
 * QEMU, which forwards it over the vfio-user socket to x710-device and waits
 * for the answer; this is the price the driver pays for every tail bump and
 * interrupt re-enable. Used by `./x710 bench`.
 *
 *   x710-mmio-timing [COUNT]
 *
 * The i40e driver must not hold the card (rmmod i40e first): Debian's kernel
 * has CONFIG_IO_STRICT_DEVMEM, which refuses to map a BAR a driver claimed.
 * Reads GLGEN_RSTAT (the register the driver polls during reset) and writes
 * PFINT_DYN_CTLN(0) with 0 (interrupt left disabled), COUNT times each, in
 * five batches. Prints one line:
 *   mmio read_ns=R write_ns=W count=COUNT device=BDF
 * with the median batch's mean per access. Exit status 0, or 2 with a reason
 * on stderr. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define GLGEN_RSTAT 0x000B8188u
#define PFINT_DYN_CTLN0 0x00034800u
#define BATCHES 5

static int fail(const char *what) {
  fprintf(stderr, "x710-mmio-timing: %s\n", what);
  return 2;
}

static int read_id(const char *dir, const char *file, unsigned *out) {
  char path[512];
  snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/%s", dir, file);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  int ok = fscanf(f, "%x", out) == 1;
  fclose(f);
  return ok ? 0 : -1;
}

/* The first 8086:1572 function in sysfs. */
static int find_card(char *bdf, size_t len) {
  DIR *d = opendir("/sys/bus/pci/devices");
  if (!d) return -1;
  struct dirent *e;
  int found = -1;
  while ((e = readdir(d)) != NULL) {
    unsigned vendor, device;
    if (e->d_name[0] == '.') continue;
    if (read_id(e->d_name, "vendor", &vendor) || read_id(e->d_name, "device", &device)) continue;
    if (vendor == 0x8086 && device == 0x1572) {
      snprintf(bdf, len, "%s", e->d_name);
      found = 0;
      break;
    }
  }
  closedir(d);
  return found;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Mean nanoseconds per access of the median batch. A write batch ends with
 * one read of `flush`, which cannot pass the writes: if QEMU posts writes
 * without waiting for the device, their cost still counts. */
static uint64_t time_accesses(volatile uint32_t *reg, volatile uint32_t *flush, long count, int write) {
  uint64_t batch[BATCHES];
  uint32_t sink = 0;
  for (int b = 0; b < BATCHES; ++b) {
    const uint64_t start = now_ns();
    for (long i = 0; i < count; ++i) {
      if (write)
        *reg = 0;
      else
        sink += *reg;
    }
    if (write) sink += *flush;
    batch[b] = (now_ns() - start) / (uint64_t)count;
  }
  (void)sink;
  qsort(batch, BATCHES, sizeof batch[0], cmp_u64);
  return batch[BATCHES / 2];
}

int main(int argc, char **argv) {
  long count = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
  if (count <= 0) return fail("COUNT must be a positive number");
  char bdf[256], path[512];
  if (find_card(bdf, sizeof bdf)) return fail("no 8086:1572 device in /sys/bus/pci/devices");
  snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/driver", bdf);
  if (access(path, F_OK) == 0) return fail("a driver holds the card; rmmod i40e first (CONFIG_IO_STRICT_DEVMEM)");
  /* Memory decoding on: the driver's removal may have disabled the device. */
  snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/enable", bdf);
  int fd = open(path, O_WRONLY);
  if (fd < 0 || write(fd, "1", 1) != 1) return fail("cannot enable the device through sysfs");
  close(fd);

  snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/resource0", bdf);
  fd = open(path, O_RDWR | O_SYNC);
  if (fd < 0) return fail("cannot open BAR0 (resource0)");
  const long page = sysconf(_SC_PAGESIZE);
  const off_t read_page = (off_t)(GLGEN_RSTAT & ~(uint32_t)(page - 1));
  const off_t write_page = (off_t)(PFINT_DYN_CTLN0 & ~(uint32_t)(page - 1));
  uint8_t *rmap = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, read_page);
  uint8_t *wmap = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, write_page);
  if (rmap == MAP_FAILED || wmap == MAP_FAILED) {
    fprintf(stderr, "x710-mmio-timing: cannot map BAR0: %s\n", strerror(errno));
    return 2;
  }
  volatile uint32_t *rstat = (volatile uint32_t *)(rmap + (GLGEN_RSTAT - read_page));
  volatile uint32_t *dyn_ctl = (volatile uint32_t *)(wmap + (PFINT_DYN_CTLN0 - write_page));
  if (*rstat == 0xFFFFFFFFu) return fail("BAR0 reads all ones: the card is not answering");
  const uint64_t read_ns = time_accesses(rstat, rstat, count, 0);
  const uint64_t write_ns = time_accesses(dyn_ctl, rstat, count, 1);
  printf("mmio read_ns=%llu write_ns=%llu count=%ld device=%s\n", (unsigned long long)read_ns,
         (unsigned long long)write_ns, count, bdf);
  return 0;
}
