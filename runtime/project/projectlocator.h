#pragma once

#include <QString>

namespace ktx {

// Which project a command works on: --project-dir, then KTX_PROJECT_DIR, then the
// nearest ktx.yaml upward from the working directory, then the working directory.
class ProjectLocator
{
public:
    enum class Origin { Flag, Environment, Ancestor, WorkingDirectory };
    struct Resolution
    {
        QString dir; // absolute, clean
        Origin origin = Origin::WorkingDirectory;
        bool hasConfig = false; // dir/ktx.yaml exists
    };

    static Resolution resolve(const QString &flagValue, const QString &workingDirectory);
    static Resolution resolve(const QString &flagValue);
    static QString configPath(const QString &projectDir); // dir/ktx.yaml
};

} // namespace ktx
