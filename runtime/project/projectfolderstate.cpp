#include "project/projectfolderstate.h"

#include "project/projectlocator.h"

#include <QDir>
#include <QFileInfo>

namespace ktx {

ProjectFolderState ProjectFolderState::inspect(const QString &dir)
{
    ProjectFolderState state;
    if (dir.trimmed().isEmpty())
        return state;
    state.path = QDir::cleanPath(QFileInfo(dir.trimmed()).absoluteFilePath());
    const QFileInfo info(state.path);
    state.exists = info.exists();
    state.isDirectory = info.isDir();
    if (!state.isDirectory)
        return state;
    const QDir folder(state.path);
    state.isEmpty
        = folder.isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
    state.hasConfig = QFileInfo::exists(ProjectLocator::configPath(state.path));
    state.isGitRoot = QFileInfo::exists(folder.filePath(QStringLiteral(".git")));
    return state;
}

} // namespace ktx
