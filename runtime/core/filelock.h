#pragma once

#include "core/result.h"

#include <QString>

namespace ktx {

// An exclusive advisory lock on a file (flock), held until the object dies.
// The kernel releases it when the holder exits however it exits, so a killed
// process never leaves a lock behind that the next one must judge stale. The
// file keeps the holder's pid, for people reading it.
class FileLock
{
public:
    // Takes the lock without waiting; the error "lock_busy" when another
    // holder has it (in this process or another).
    static Result<FileLock> tryAcquire(const QString &path);

    FileLock(FileLock &&other) noexcept;
    FileLock &operator=(FileLock &&other) noexcept;
    FileLock(const FileLock &) = delete;
    FileLock &operator=(const FileLock &) = delete;
    ~FileLock();

    void release();

private:
    explicit FileLock(int fd)
        : m_fd(fd)
    { }
    int m_fd = -1;
};

} // namespace ktx
