#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QFileDevice>
#include <QString>

#include <optional>

namespace ktx {

// Writes files so that a crash leaves either the old or the new content, never a
// mix: temporary file in the same directory, fsync, rename, fsync of the directory.
class AtomicFile
{
public:
    struct Options
    {
        // Permissions applied to the temporary file before any byte is written, so
        // a secret is never readable by others, not even for a moment.
        std::optional<QFileDevice::Permissions> permissions;
        bool createParentDirectories = true;
    };

    static Result<void> write(const QString &path, const QByteArray &content);
    static Result<void> write(const QString &path, const QByteArray &content,
                              const Options &options);
};

} // namespace ktx
