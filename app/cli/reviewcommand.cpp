#include "reviewcommand.h"

#include "clicontext.h"
#include "project/configloader.h"
#include "project/projectlocator.h"
#include "review/changereview.h"
#include "review/pendingruns.h"
#include "review/runreview.h"

#include <QDateTime>
#include <QJsonArray>

namespace ktx {

namespace {

int failWith(CliContext &context, const Error &e)
{
    return context.fail(e.code, e.message, e.hint);
}

int listPending(CliContext &context, const QString &projectDir)
{
    auto runs = PendingRuns::list(projectDir);
    if (!runs.ok())
        return failWith(context, runs.error());
    if (context.json) {
        QJsonArray items;
        for (const PendingRun &r : std::as_const(*runs))
            items.append(QJsonObject {{QStringLiteral("runId"), r.record.runId},
                                      {QStringLiteral("connectionId"), r.record.connectionId},
                                      {QStringLiteral("sourceKey"), r.record.sourceKey},
                                      {QStringLiteral("branch"), r.record.runBranch},
                                      {QStringLiteral("baseCommit"), r.record.baseCommit},
                                      {QStringLiteral("startedAtMs"), r.record.startedAtMs},
                                      {QStringLiteral("files"), r.files},
                                      {QStringLiteral("additions"), r.additions},
                                      {QStringLiteral("deletions"), r.deletions}});
        context.printJson({{QStringLiteral("pending"), items}});
        return ExitOk;
    }
    if (runs->isEmpty()) {
        context.out() << "No runs are waiting for review.\n";
        return ExitOk;
    }
    for (const PendingRun &r : std::as_const(*runs))
        context.out()
            << r.record.runId << "  " << r.record.sourceKey << "  " << r.record.connectionId << "  "
            << QDateTime::fromMSecsSinceEpoch(r.record.startedAtMs, Qt::UTC).toString(Qt::ISODate)
            << "  base " << r.record.baseCommit.left(10) << "  " << r.files << " file(s) +"
            << r.additions << " -" << r.deletions << "\n";
    return ExitOk;
}

QString marker(const std::optional<bool> &d)
{
    return !d ? QStringLiteral("?") : (*d ? QStringLiteral("✓") : QStringLiteral("✗"));
}

// One file of a run (with decisions) or of a read-only change review.
void printFiles(QTextStream &out, const QList<ReviewFile> &files, bool decisions)
{
    for (const ReviewFile &file : files) {
        out << "\n" << FileDiff::statusName(file.diff.status) << " ";
        if (file.diff.status == FileDiff::Status::Renamed)
            out << file.diff.oldPath << " -> ";
        out << file.diff.path << " +" << file.diff.additions() << " -" << file.diff.deletions();
        if (file.diff.binary)
            out << " (binary)";
        if (file.diff.binary && decisions)
            out << " [" << marker(file.accepted) << "]";
        out << "\n";
        for (const QString &change : file.semanticChanges)
            out << "  = " << change << "\n";
        for (int i = 0; i < file.hunks.size(); ++i) {
            const ReviewHunk &h = file.hunks.at(i);
            out << "  ";
            if (decisions)
                out << "[" << marker(h.accepted) << "] ";
            out << "hunk " << (i + 1) << " " << h.hunk.header;
            // Loud on purpose: the agent proposed again what a person refused.
            if (h.previouslyRejected)
                out << "  !! PREVIOUSLY REJECTED (run " << h.previouslyRejectedIn << ")";
            out << "\n";
            if (!h.provenance.unitKey.isEmpty()) {
                out << "      by " << h.provenance.unitKey << " " << h.provenance.tool << " "
                    << h.provenance.toolCallId;
                if (!h.provenance.rawPaths.isEmpty())
                    out << " citing " << h.provenance.rawPaths.join(QStringLiteral(", "));
                out << "\n";
            }
            for (const DiffLine &l : h.hunk.lines) {
                out << "      "
                    << (l.kind == DiffLine::Kind::Added
                            ? '+'
                            : (l.kind == DiffLine::Kind::Removed ? '-' : ' '))
                    << QString::fromUtf8(l.text);
                if (!l.text.endsWith('\n'))
                    out << "\n";
            }
        }
    }
}

void printReview(CliContext &context, const RunReview &review)
{
    QTextStream &out = context.out();
    const IngestRunRecord &run = review.run();
    out << "run " << run.runId << " (" << run.sourceKey << ", " << run.connectionId << ")\n"
        << "base " << run.baseCommit << "  branch " << run.runBranch << "\n";
    printFiles(out, review.files(), true);
}

int showChanges(CliContext &context, const QString &projectDir, const QString &commit)
{
    auto review = commit.isEmpty() ? ChangeReview::forWorkTree(projectDir)
                                   : ChangeReview::forCommit(projectDir, commit);
    if (!review.ok())
        return failWith(context, review.error());
    if (context.json) {
        context.printJson(review->toJson());
        return ExitOk;
    }
    QTextStream &out = context.out();
    if (review->kind() == ChangeReview::Kind::WorkTree) {
        out << "uncommitted changes against HEAD " << review->baseCommit().left(12) << "\n";
        if (review->files().isEmpty())
            out << "(none)\n";
    } else {
        const DiffCommit &c = review->commit();
        out << "commit " << c.id << "\n"
            << "author " << c.author << "  "
            << QDateTime::fromMSecsSinceEpoch(c.timeMs, Qt::UTC).toString(Qt::ISODate) << "\n"
            << "    " << c.subject << "\n";
    }
    printFiles(out, review->files(), false);
    return ExitOk;
}

} // namespace

int ReviewCommand::run(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Review pending ingest runs: list, show, accept or reject runs, files or hunks, apply."));
    const QCommandLineOption file(QStringLiteral("file"),
                                  QStringLiteral("A file of the run (repeatable)."),
                                  QStringLiteral("path"));
    const QCommandLineOption path(QStringLiteral("path"), QStringLiteral("Same as --file."),
                                  QStringLiteral("path"));
    const QCommandLineOption hunk(QStringLiteral("hunk"),
                                  QStringLiteral("One hunk, 1-based, as <path>:<n> (repeatable)."),
                                  QStringLiteral("path:n"));
    const QCommandLineOption worktree(
        QStringLiteral("worktree"),
        QStringLiteral("With show: the uncommitted edits of the project, against HEAD."));
    const QCommandLineOption commit(QStringLiteral("commit"),
                                    QStringLiteral("With show: one commit of the history, against "
                                                   "its first parent."),
                                    QStringLiteral("sha"));
    parser.addOptions({file, path, hunk, worktree, commit});
    parser.addPositionalArgument(QStringLiteral("action"),
                                 QStringLiteral("list | show | accept | reject | apply"));
    parser.addPositionalArgument(QStringLiteral("runId"), QStringLiteral("The run."));
    if (const auto exit = context.parse(parser, QStringLiteral("review"), args))
        return *exit;

    const ProjectLocator::Resolution where = ProjectLocator::resolve(context.projectDirFlag);
    if (!where.hasConfig)
        return context.fail(QStringLiteral("missing_project"),
                            QStringLiteral("No ktx.yaml found in %1").arg(where.dir),
                            QStringLiteral("Run `ktx setup` to create one."));

    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0, QStringLiteral("list"));
    if (action == QLatin1String("list") && positional.size() <= 1)
        return listPending(context, where.dir);
    if (parser.isSet(worktree) || parser.isSet(commit)) {
        if (action != QLatin1String("show") || positional.size() != 1
            || (parser.isSet(worktree) && parser.isSet(commit)))
            return context.fail(
                QStringLiteral("usage"),
                QStringLiteral("Usage: ktx review show --worktree | --commit <sha>"), {},
                ExitUsage);
        return showChanges(context, where.dir, parser.value(commit));
    }
    static const QStringList actions {QStringLiteral("show"), QStringLiteral("accept"),
                                      QStringLiteral("reject"), QStringLiteral("apply")};
    if (!actions.contains(action) || positional.size() != 2)
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("Usage: ktx review [list] | show <runId> | show "
                                           "--worktree | show --commit <sha> | "
                                           "accept|reject <runId> [--file P]... [--hunk P:n]... "
                                           "| apply <runId>"),
                            {}, ExitUsage);
    const QString runId = positional.at(1);
    const bool deciding = action == QLatin1String("accept") || action == QLatin1String("reject");
    const QStringList files = parser.values(file) + parser.values(path);
    const QStringList hunks = parser.values(hunk);
    if (!deciding && (!files.isEmpty() || !hunks.isEmpty()))
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("--file and --hunk go with accept or reject."), {},
                            ExitUsage);

    auto review = RunReview::load(where.dir, runId);
    if (!review.ok())
        return failWith(context, review.error());

    if (action == QLatin1String("show")) {
        if (context.json)
            context.printJson(review->toJson());
        else
            printReview(context, *review);
        return ExitOk;
    }

    if (deciding) {
        const bool accept = action == QLatin1String("accept");
        QList<ReviewDecision> decisions;
        for (const QString &p : files)
            decisions << ReviewDecision {p, -1, accept};
        for (const QString &h : hunks) {
            const qsizetype colon = h.lastIndexOf(QLatin1Char(':'));
            bool ok = false;
            const int n = colon > 0 ? h.mid(colon + 1).toInt(&ok) : 0;
            if (!ok || n < 1)
                return context.fail(QStringLiteral("usage"),
                                    QStringLiteral("Invalid --hunk %1: expected <path>:<n> with n "
                                                   "from 1.")
                                        .arg(h),
                                    {}, ExitUsage);
            decisions << ReviewDecision {h.left(colon), n - 1, accept};
        }
        if (decisions.isEmpty())
            decisions << ReviewDecision {{}, -1, accept};
        for (const ReviewDecision &d : std::as_const(decisions))
            if (Result<void> r = review->decide(d); !r.ok())
                return failWith(context, r.error());
        const QStringList open = review->undecided();
        if (context.json) {
            context.printJson({{QStringLiteral("runId"), runId},
                               {QStringLiteral("decision"), action},
                               {QStringLiteral("undecided"), QJsonArray::fromStringList(open)}});
        } else {
            context.out() << (accept ? "Accepted" : "Rejected") << " " << decisions.size()
                          << " item(s) of " << runId << "; " << open.size() << " undecided.\n";
        }
        return ExitOk;
    }

    // apply
    ProjectConfig config;
    if (auto loaded = ConfigLoader::loadFile(ProjectLocator::configPath(where.dir)); loaded.ok())
        config = loaded->config;
    const auto author = GitRepository::Signature::parse(
        config.storage.gitAuthor, {QStringLiteral("ktx"), QStringLiteral("ktx@example.com")});
    auto applied = review->apply(author);
    if (!applied.ok())
        return failWith(context, applied.error());
    if (context.json) {
        context.printJson(
            {{QStringLiteral("runId"), runId},
             {QStringLiteral("status"), review->run().status},
             {QStringLiteral("commitId"), applied->commitId},
             {QStringLiteral("landedPaths"), QJsonArray::fromStringList(applied->landedPaths)},
             {QStringLiteral("leftOut"), QJsonArray::fromStringList(applied->leftOut)},
             {QStringLiteral("rejectionsRecorded"), applied->rejectionsRecorded}});
    } else if (applied->commitId.isEmpty()) {
        context.out() << "Nothing accepted: run " << runId << " closed without a commit; "
                      << applied->rejectionsRecorded << " rejection(s) remembered.\n";
    } else {
        context.out() << "Landed " << applied->landedPaths.size() << " file(s) of " << runId
                      << " as " << applied->commitId.left(12) << "; " << applied->leftOut.size()
                      << " change(s) left out and remembered.\n";
    }
    return ExitOk;
}

} // namespace ktx
