#include "user_guest.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <chrono>

#include "environment.h"
#include "process.h"

namespace x710 {

std::string build_user_guest(const std::string& kernel, const std::string& modules, const std::string& i40e) {
  const std::string script = env::require("X710_ROOT") + "/guest-images/build.sh";
  Child::Spec spec;
  spec.argv = {script};
  if (!kernel.empty()) {
    spec.argv.push_back("--kernel");
    spec.argv.push_back(kernel);
  }
  if (!modules.empty()) {
    spec.argv.push_back("--modules");
    spec.argv.push_back(modules);
  }
  if (!i40e.empty()) {
    spec.argv.push_back("--i40e");
    spec.argv.push_back(i40e);
  }
  int out[2];
  // Close-on-exec, as every descriptor of the launcher's: the child gets its
  // end as stdout through dup2.
  if (::pipe2(out, O_CLOEXEC) != 0) throw InfraError("pipe() failed while starting guest-images/build.sh");
  spec.stdout_fd = out[1];
  Child child = Child::spawn(spec);
  ::close(out[1]);
  std::string printed;
  std::array<char, 512> buf;
  ssize_t n;
  while ((n = ::read(out[0], buf.data(), buf.size())) > 0) printed.append(buf.data(), static_cast<size_t>(n));
  ::close(out[0]);
  child.wait_for(std::chrono::minutes(10));
  if (!child.exited() || child.exit_status() != 0) {
    throw InfraError("guest-images/build.sh could not build a guest from " +
                     (kernel.empty() ? std::string("the default kernel") : kernel) +
                     (i40e.empty() ? "" : " with " + i40e) + " (its message is above)");
  }
  while (!printed.empty() && (printed.back() == '\n' || printed.back() == '\r')) printed.pop_back();
  if (const auto nl = printed.rfind('\n'); nl != std::string::npos) printed = printed.substr(nl + 1);
  if (printed.empty()) throw InfraError("guest-images/build.sh printed no guest directory");
  return printed;
}

}  // namespace x710
