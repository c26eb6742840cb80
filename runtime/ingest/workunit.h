#pragma once

#include "ingest/contextoverlay.h"
#include "ingest/ingestreport.h"

#include <QString>
#include <QStringList>

namespace ktx {

// One bounded agent task (ktx-internals §1.2): turn these raw files into wiki
// and semantic-layer changes.
struct WorkUnit
{
    QString unitKey;
    QString displayLabel;
    QStringList rawFiles; // the files it is responsible for (and may cite)
    QStringList dependencyPaths; // extra readable context
    QStringList peerFileIndex; // sibling files named in the prompt
    QString notes;
};

// What a finished unit hands to integration.
struct WorkUnitOutcome
{
    WorkUnitReport report; // status success | failed | cancelled
    QList<FileImage> images; // empty unless status is success
};

} // namespace ktx
