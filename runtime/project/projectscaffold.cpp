#include "project/projectscaffold.h"

#include "core/atomicfile.h"
#include "git/gitrepository.h"
#include "project/configloader.h"
#include "project/projectfolderstate.h"
#include "project/projectlocator.h"

#include <QDir>
#include <QFileInfo>

namespace ktx {

namespace {

// Removes what a failed create() made, newest first, and nothing else.
class CreatedPaths
{
public:
    void add(const QString &path) { m_paths.prepend(path); }
    void rollback() const
    {
        for (const QString &path : m_paths) {
            const QFileInfo info(path);
            if (info.isDir() && !info.isSymLink())
                QDir(path).removeRecursively();
            else
                QFile::remove(path);
        }
    }

private:
    QStringList m_paths;
};

} // namespace

QByteArray ProjectScaffold::defaultConfigText()
{
    return QByteArrayLiteral(
        "# ktx project configuration.\n"
        "# Secrets never go in this file: use env:NAME or file:PATH references\n"
        "# (`ktx setup` stores typed secrets under .ktx/secrets/).\n"
        "\n"
        "# Warehouses and context sources, by connection id.\n"
        "connections: {}\n"
        "\n"
        "# The model that drafts context. `none` builds structural context only.\n"
        "llm:\n"
        "  provider:\n"
        "    backend: none\n"
        "  models: {}\n"
        "\n"
        "ingest:\n"
        "  embeddings:\n"
        "    backend: none\n"
        "  workUnits:\n"
        "    stepBudget: 40\n"
        "    maxConcurrency: 1\n"
        "    failureMode: continue\n"
        "\n"
        "storage:\n"
        "  state: sqlite\n"
        "  search: sqlite-fts5\n"
        "  git:\n"
        "    author: \"ktx <ktx@example.com>\"\n");
}

Result<void> ProjectScaffold::create(const QString &dirPath, const Options &options)
{
    // One definition of what a folder is, shared with the wizard's up-front checks.
    const ProjectFolderState folder = ProjectFolderState::inspect(dirPath);
    const QString dir = folder.path;
    const QString configPath = ProjectLocator::configPath(dir);
    if (dir.isEmpty())
        return makeError(QStringLiteral("usage"), QStringLiteral("No project folder was given."));
    if (folder.exists && !folder.isDirectory)
        return makeError(QStringLiteral("not_a_folder"),
                         QStringLiteral("%1 is a file, not a folder.").arg(dir),
                         QStringLiteral("Choose a folder for the project."));
    if (folder.hasConfig)
        return makeError(QStringLiteral("project_exists"),
                         QStringLiteral("Project already contains ktx.yaml: %1").arg(configPath),
                         QStringLiteral("Open it instead, or choose another folder."));
    if (folder.isGitRoot)
        return makeError(
            QStringLiteral("foreign_repository"),
            QStringLiteral("%1 is already the root of a git repository that ktx did not create.")
                .arg(dir),
            QStringLiteral("ktx keeps its own repository: choose a new subfolder, or pass a fresh "
                           "--project-dir."));
    if (!folder.isEmpty && !options.allowNonEmpty)
        return makeError(QStringLiteral("folder_not_empty"),
                         QStringLiteral("That folder already exists and is not empty: %1").arg(dir),
                         QStringLiteral("Choose an empty or new folder, or confirm that ktx may "
                                        "add its files there (--yes)."));
    const QDir existing(dir);

    const QByteArray configText
        = options.configText.isEmpty() ? defaultConfigText() : options.configText;
    const LoadedConfig checked = ConfigLoader::fromText(configText, configPath);
    if (checked.hasErrors()) {
        const ConfigIssue &first = *std::find_if(checked.issues.cbegin(), checked.issues.cend(),
                                                 [](const ConfigIssue &i) { return i.isError(); });
        return makeError(QStringLiteral("invalid_config"),
                         QStringLiteral("The new ktx.yaml would be invalid: %1 (%2)")
                             .arg(first.message, first.location()),
                         first.fix);
    }

    CreatedPaths created;
    if (!existing.exists()) {
        // Remember the topmost folder we create, so a rollback removes all of it.
        QString top = dir;
        while (!QFileInfo::exists(QFileInfo(top).absolutePath()))
            top = QFileInfo(top).absolutePath();
        if (!QDir().mkpath(dir))
            return makeError(QStringLiteral("write_failed"),
                             QStringLiteral("Cannot create the folder %1.").arg(dir),
                             QStringLiteral("Check that you may write there."));
        created.add(top);
    }

    const auto fail = [&](const Error &error) {
        created.rollback();
        return error;
    };
    const QDir root(dir);
    struct File
    {
        const char *path;
        QByteArray content;
    };
    // A person's own .gitignore is kept; ktx only adds its line.
    QByteArray gitignore;
    if (QFile existingIgnore(root.filePath(QStringLiteral(".gitignore")));
        existingIgnore.open(QIODevice::ReadOnly)) {
        gitignore = existingIgnore.read(1024 * 1024);
        if (!gitignore.isEmpty() && !gitignore.endsWith('\n'))
            gitignore += '\n';
    }
    if (!gitignore.split('\n').contains("/.ktx/") && !gitignore.split('\n').contains(".ktx/"))
        gitignore += "# Local ktx state: caches, search index, secrets, run logs. Never "
                     "committed.\n/.ktx/\n";
    const File files[] = {
        {".gitignore", gitignore},    {"semantic-layer/.gitkeep", {}}, {"wiki/global/.gitkeep", {}},
        {"raw-sources/.gitkeep", {}}, {"ktx.yaml", configText},
    };
    for (const File &file : files) {
        const QString path = root.filePath(QString::fromLatin1(file.path));
        const QString topFolder
            = root.filePath(QString::fromLatin1(file.path).section(QLatin1Char('/'), 0, 0));
        if (!QFileInfo::exists(topFolder))
            created.add(topFolder);
        else if (!QFileInfo::exists(path))
            created.add(path);
        if (Result<void> r = AtomicFile::write(path, file.content); !r.ok())
            return fail(r.error());
    }
    const QString local = root.filePath(QStringLiteral(".ktx"));
    if (!QFileInfo::exists(local)) {
        created.add(local);
        if (!QDir().mkpath(local))
            return fail(makeError(QStringLiteral("write_failed"),
                                  QStringLiteral("Cannot create %1.").arg(local)));
    }

    auto repository = GitRepository::init(dir);
    if (!repository.ok())
        return fail(repository.error());
    created.add(root.filePath(QStringLiteral(".git")));
    const QString name = options.name.isEmpty() ? QFileInfo(dir).fileName() : options.name;
    const GitRepository::Signature author = GitRepository::Signature::parse(
        checked.config.storage.gitAuthor,
        {QStringLiteral("ktx"), QStringLiteral("ktx@example.com")});
    auto commit
        = repository->commit(QStringLiteral("Initialize ktx project: %1").arg(name), author);
    if (!commit.ok())
        return fail(commit.error());
    return {};
}

} // namespace ktx
