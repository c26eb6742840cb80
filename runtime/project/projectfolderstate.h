#pragma once

#include <QString>

namespace ktx {

// What a folder the user picked in the setup wizard looks like, so the wizard can
// say up front what ProjectScaffold would refuse. Only stats and the first
// directory entry are read: bounded, fine for the GUI thread. ProjectScaffold
// refuses exactly what this reports.
struct ProjectFolderState
{
    QString path; // clean absolute
    bool exists = false;
    bool isDirectory = false;
    bool isEmpty = true; // also true when the folder does not exist yet
    bool hasConfig = false; // contains ktx.yaml
    bool isGitRoot = false; // contains .git

    static ProjectFolderState inspect(const QString &dir);
};

} // namespace ktx
