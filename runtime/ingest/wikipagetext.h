#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace ktx {

// Just enough of a wiki page (ktx-spec §5) for ingest to check and prune what
// agents write: the front-matter's summary, refs and sl_refs, and the body's
// [[key]] links. (runtime/wiki owns the full page model; this reads the same
// format without depending on it.)
struct WikiPageText
{
    QString summary;
    QStringList refs;
    QStringList slRefs;
    QStringList links; // [[key]] / [[key|label]] targets in the body
    QString body;

    // Errors: no front-matter, front-matter that is not a YAML mapping, no summary.
    static Result<WikiPageText> parse(const QByteArray &text);
    static bool isValidKey(const QString &key); // a flat file name: ^[A-Za-z0-9][A-Za-z0-9_.-]*$

    // Removes `target` from the front-matter list `listKey` (refs / sl_refs) and,
    // for refs, turns [[target]] / [[target|label]] links into plain text.
    static QByteArray withoutRef(const QByteArray &text, const QString &listKey,
                                 const QString &target);
};

} // namespace ktx
