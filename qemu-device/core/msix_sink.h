// Where the device core sends MSI-X messages. The vfio-user transport
// implements it with vfu_irq_trigger; unit tests record the vectors.
#pragma once

namespace x710 {

class MsixSink {
 public:
  virtual ~MsixSink() = default;
  virtual void raise(unsigned vector) = 0;
};

}  // namespace x710
