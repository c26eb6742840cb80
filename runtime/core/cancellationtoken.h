#pragma once

#include <atomic>
#include <memory>

namespace ktx {

// Cooperative cancellation shared between the owner of a job and the job itself.
// Copies share one flag; loops poll isCancelled().
class CancellationToken
{
public:
    CancellationToken()
        : m_flag(std::make_shared<std::atomic_bool>(false))
    { }

    void cancel() { m_flag->store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_flag->load(std::memory_order_relaxed); }

private:
    std::shared_ptr<std::atomic_bool> m_flag;
};

} // namespace ktx
