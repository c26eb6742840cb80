#pragma once

#include "core/result.h"

#include <QString>

namespace ktx {

// Creates a ktx project on disk: ktx.yaml, semantic-layer/, wiki/global/,
// raw-sources/, .ktx/ and a .gitignore, and makes the folder the root of its own
// git repository (also when it sits inside another repository) with one initial
// commit. Refuses a folder that is already a git root or already a ktx project.
class ProjectScaffold
{
public:
    struct Options
    {
        QString name; // defaults to the folder name
        QByteArray configText; // ktx.yaml content; defaults to a fresh commented file
        bool allowNonEmpty = false;
    };

    static Result<void> create(const QString &dir, const Options &options);
    static QByteArray defaultConfigText();
};

} // namespace ktx
