#pragma once

#include <QStringList>

namespace ktx {

class CliContext;

// `ktx review`: pending ingest runs (review.mode: review) from the command line.
//   ktx review [list]                                          the runs waiting for review
//   ktx review show <runId> [--json]                           the diff, per file and hunk
//   ktx review accept|reject <runId> [--file P]... [--hunk P:n]...
//                                                              decide a run, files or hunks
//   ktx review apply <runId>                                   land the accepted parts
class ReviewCommand
{
public:
    static int run(CliContext &context, const QStringList &args);
};

} // namespace ktx
