#include "project/projectlocator.h"

#include <QDir>
#include <QFileInfo>

namespace ktx {

QString ProjectLocator::configPath(const QString &projectDir)
{
    return QDir(projectDir).filePath(QStringLiteral("ktx.yaml"));
}

ProjectLocator::Resolution ProjectLocator::resolve(const QString &flagValue)
{
    return resolve(flagValue, QDir::currentPath());
}

ProjectLocator::Resolution ProjectLocator::resolve(const QString &flagValue,
                                                   const QString &workingDirectory)
{
    const auto make = [](const QString &dir, Origin origin) {
        Resolution r;
        r.dir = QDir::cleanPath(QDir(dir).absolutePath());
        r.origin = origin;
        r.hasConfig = QFileInfo(configPath(r.dir)).isFile();
        return r;
    };
    const QDir cwd(workingDirectory);
    if (!flagValue.isEmpty())
        return make(cwd.absoluteFilePath(flagValue), Origin::Flag);
    const QString fromEnv = qEnvironmentVariable("KTX_PROJECT_DIR");
    if (!fromEnv.isEmpty())
        return make(cwd.absoluteFilePath(fromEnv), Origin::Environment);
    QDir dir(QDir::cleanPath(cwd.absolutePath()));
    while (true) {
        if (QFileInfo(configPath(dir.path())).isFile())
            return make(dir.path(), Origin::Ancestor);
        if (!dir.cdUp())
            break;
    }
    return make(cwd.absolutePath(), Origin::WorkingDirectory);
}

} // namespace ktx
