#pragma once

#include "semantic/semanticsource.h"
#include "semantic/sourceissue.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace ktx {

// Validates the text of one source file as an editor holds it, before it is
// saved: the loader's own checks (YAML syntax, keys, enums) plus the set checks
// (join targets and keys, segments, grain) against the other sources of its
// connection folder. Only issues located in this file are returned, so an
// editor can underline each one.
class SourceTextCheck
{
public:
    // The other sources of filePath's connection folder, as on disk (read once
    // per editing session; they change only when another file is saved).
    static QList<SemanticSource> siblingsOf(const QString &filePath);

    static QList<SourceIssue> check(const QByteArray &text, const QString &filePath,
                                    const QList<SemanticSource> &siblings);

    static bool hasErrors(const QList<SourceIssue> &issues);
};

} // namespace ktx
