#include "core/filelock.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <utility>

namespace ktx {

Result<FileLock> FileLock::tryAcquire(const QString &path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return makeError(QStringLiteral("lock_failed"),
                         QStringLiteral("Cannot open the lock file %1: %2")
                             .arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        ::close(fd);
        if (error == EWOULDBLOCK)
            return makeError(QStringLiteral("lock_busy"),
                             QStringLiteral("%1 is held by another process.").arg(path));
        return makeError(QStringLiteral("lock_failed"),
                         QStringLiteral("Cannot lock %1: %2")
                             .arg(path, QString::fromLocal8Bit(std::strerror(error))));
    }
    // Informational only: the lock is the flock, not the content.
    const QByteArray pid = QByteArray::number(qint64(::getpid())) + '\n';
    if (::ftruncate(fd, 0) == 0)
        (void)!::pwrite(fd, pid.constData(), size_t(pid.size()), 0);
    return FileLock(fd);
}

FileLock::FileLock(FileLock &&other) noexcept
    : m_fd(std::exchange(other.m_fd, -1))
{ }

FileLock &FileLock::operator=(FileLock &&other) noexcept
{
    if (this != &other) {
        release();
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

FileLock::~FileLock()
{
    release();
}

void FileLock::release()
{
    if (m_fd >= 0) {
        ::close(m_fd); // closing the last descriptor drops the flock
        m_fd = -1;
    }
}

} // namespace ktx
