#pragma once

#include "core/result.h"
#include "ingest/textmemoryadapter.h"
#include "project/projectconfig.h"

#include <QString>

namespace ktx {

// A note stored as written, as its own global wiki page (ktx-spec §9.5
// `--verbatim`, and the only capture that works with llm backend `none`): the
// key comes from the file name, or from the text's leading Markdown heading;
// the summary from that heading or the first sentence; existing front-matter is
// kept. The same body again is a no-op; a different page at the key is an error.
class TextMemoryVerbatim
{
public:
    struct Stored
    {
        QString key;
        QString path; // wiki/global/<key>.md
        QString commitHash; // empty when nothing changed
        bool unchanged = false;
    };

    static Result<Stored> capture(const QString &projectDir, const ProjectConfig &config,
                                  const TextMemoryAdapter::Note &note, const QString &connectionId);
    // The page bytes a note becomes (no I/O); exposed for tests.
    static Result<QPair<QString, QByteArray>> pageFor(const TextMemoryAdapter::Note &note,
                                                      const QString &connectionId);
};

} // namespace ktx
