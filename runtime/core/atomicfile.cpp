#include "core/atomicfile.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

#include <fcntl.h>
#include <unistd.h>

namespace ktx {

namespace {

// rename() is durable only once the directory entry itself reaches the disk.
void syncDirectory(const QString &dirPath)
{
    const QByteArray native = QFile::encodeName(dirPath);
    const int fd = ::open(native.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

Result<void> AtomicFile::write(const QString &path, const QByteArray &content)
{
    return write(path, content, Options {});
}

Result<void> AtomicFile::write(const QString &path, const QByteArray &content,
                               const Options &options)
{
    const QFileInfo info(path);
    const QString dirPath = info.absolutePath();
    if (options.createParentDirectories && !QDir().mkpath(dirPath))
        return makeError(
            QStringLiteral("write_failed"),
            QStringLiteral("Cannot create the folder %1.").arg(dirPath),
            QStringLiteral("Check that you may write there and that the disk is not full."));

    // QSaveFile writes a temporary file next to the target, fsyncs it on commit and
    // renames it over the target; an existing file keeps its permissions.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(
            QStringLiteral("write_failed"),
            QStringLiteral("Cannot write %1: %2.").arg(path, file.errorString()),
            QStringLiteral("Check that you may write there and that the disk is not full."));
    if (options.permissions && !file.setPermissions(*options.permissions)) {
        file.cancelWriting();
        return makeError(QStringLiteral("write_failed"),
                         QStringLiteral("Cannot restrict the permissions of %1.").arg(path));
    }
    // flush() before commit(): Qt 6.4's QSaveFile commits (and renames a truncated
    // file over the target) when a buffered write fails part-way (EFBIG, ENOSPC);
    // only flush() reports it.
    if (file.write(content) != content.size() || !file.flush() || !file.commit()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return makeError(QStringLiteral("write_failed"),
                         QStringLiteral("Cannot write %1: %2. The previous content is unchanged.")
                             .arg(path, reason),
                         QStringLiteral("Check the free disk space and the folder's permissions."));
    }
    syncDirectory(dirPath);
    return {};
}

} // namespace ktx
