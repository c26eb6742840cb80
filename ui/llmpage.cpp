#include "llmpage.h"

#include "colorscheme.h"
#include "core/secretredactor.h"
#include "llm/llmsettings.h"
#include "project/configeditor.h"
#include "project/configloader.h"
#include "project/projectfolderstate.h"
#include "project/secretref.h"
#include "richtext.h"
#include "setupfield.h"
#include "setupwizard.h"
#include "stateicon.h"

#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace ktx {

namespace {

constexpr int ResultIconSize = 16;
const QLatin1String SecretsPrefix(".ktx/secrets/");

bool isBackend(const QString &backend, const char *name)
{
    return backend == QLatin1String(name);
}

bool singleModel(const QString &backend)
{
    return isBackend(backend, "openai-compatible");
}

bool takesKey(const QString &backend)
{
    return !LlmSetup::endpointBlock(backend).isEmpty();
}

bool takesBaseUrl(const QString &backend)
{
    return isBackend(backend, "gateway") || isBackend(backend, "openai-compatible");
}

// The environment variable a backend reads when ktx.yaml names no key.
QString fallbackKeyVariable(const QString &backend)
{
    if (isBackend(backend, "anthropic"))
        return QStringLiteral("ANTHROPIC_API_KEY");
    if (isBackend(backend, "gateway"))
        return QStringLiteral("AI_GATEWAY_API_KEY");
    return {};
}

const ProviderEndpoint *endpointOf(const LlmConfig &config, const QString &backend)
{
    if (isBackend(backend, "anthropic"))
        return &config.anthropic;
    if (isBackend(backend, "gateway"))
        return &config.gateway;
    if (isBackend(backend, "openai-compatible"))
        return &config.openaiCompatible;
    return nullptr;
}

ProviderEndpoint *endpointOf(LlmConfig &config, const QString &backend)
{
    return const_cast<ProviderEndpoint *>(endpointOf(std::as_const(config), backend));
}

bool sameChoice(const LlmSetupChoice &a, const LlmSetupChoice &b)
{
    return a.backend == b.backend && a.models == b.models && a.apiKeyRef == b.apiKeyRef
        && a.keepKeyWhenEmpty == b.keepKeyWhenEmpty && a.baseUrl == b.baseUrl
        && a.vertexProject == b.vertexProject && a.vertexLocation == b.vertexLocation;
}

QString verdictTitle(LlmProbeResult::Verdict verdict, const QString &backend)
{
    using V = LlmProbeResult::Verdict;
    switch (verdict) {
    case V::Ok:
        return LlmPage::tr("Check passed");
    case V::NotConfigured:
        return LlmPage::tr("Not configured");
    case V::NotInstalled:
        return LlmPage::tr("Not installed");
    case V::NotSignedIn:
        // The agent CLIs sign in; the HTTP APIs take a key, and a 401 means that key.
        return isBackend(backend, "claude-code") || isBackend(backend, "codex")
            ? LlmPage::tr("Not signed in")
            : LlmPage::tr("Key not accepted");
    case V::ModelUnavailable:
        return LlmPage::tr("Model not available");
    case V::Unreachable:
        return LlmPage::tr("Server unreachable");
    case V::Failed:
        break;
    }
    return LlmPage::tr("Check failed");
}

// Runtime messages may start in lower case ("the server answered …"); on the
// page they follow a title, so they read as a sentence of their own.
QString sentence(QString text)
{
    if (!text.isEmpty())
        text[0] = text.at(0).toUpper();
    return text;
}

struct SaveRequest
{
    QString projectDir;
    LlmSetupChoice choice;
    QString typedKey; // stored under .ktx/secrets/ first; never written to ktx.yaml
};

// Worker: store a typed key, then write the choice into ktx.yaml (comments
// kept) and commit it. Returns what was written.
Result<LlmSetupChoice> runSave(SaveRequest request)
{
    if (Result<void> valid = LlmSetup::validate(request.choice); !valid.ok())
        return valid.error();
    Result<ConfigEditor> editor = ConfigEditor::open(request.projectDir);
    if (!editor.ok())
        return editor.error();
    if (!request.typedKey.isEmpty()) {
        Result<QString> ref = SecretStore::store(
            request.projectDir, LlmSetup::secretName(request.choice.backend), request.typedKey);
        if (!ref.ok())
            return ref.error();
        request.choice.apiKeyRef = *ref;
    }
    if (Result<void> written = LlmSetup::write(editor.value(), request.choice); !written.ok())
        return written.error();
    if (Result<void> committed = editor->saveAndCommit(
            QStringLiteral("setup: use LLM backend %1").arg(request.choice.backend));
        !committed.ok())
        return committed.error();
    return request.choice;
}

} // namespace

LlmPage::LlmPage(QWidget *parent)
    : QWizardPage(parent)
{
    setTitle(tr("Model"));
    setSubTitle(tr("Choose the model ktx uses to describe tables and write wiki pages. Without "
                   "one, ingest still builds the structural context."));

    m_content = new QWidget(this);

    m_backend = new QComboBox(m_content);
    m_backend->setObjectName(QStringLiteral("llmBackend"));
    m_backend->addItem(tr("None: structural context only"), QStringLiteral("none"));
    m_backend->addItem(tr("Anthropic API"), QStringLiteral("anthropic"));
    m_backend->addItem(tr("Claude on Google Vertex AI"), QStringLiteral("vertex"));
    m_backend->addItem(tr("AI gateway (Anthropic models)"), QStringLiteral("gateway"));
    m_backend->addItem(tr("OpenAI-compatible server"), QStringLiteral("openai-compatible"));
    m_backend->addItem(tr("Claude Code (local sign-in)"), QStringLiteral("claude-code"));
    m_backend->addItem(tr("Codex (local sign-in)"), QStringLiteral("codex"));
    m_description = new QLabel(m_content);
    m_description->setObjectName(QStringLiteral("llmBackendDescription"));
    m_description->setWordWrap(true);
    m_description->setTextFormat(Qt::RichText);

    m_keyRow = new QWidget(m_content);
    auto *keyLayout = new QHBoxLayout(m_keyRow);
    keyLayout->setContentsMargins(0, 0, 0, 0);
    m_keySource = new QComboBox(m_keyRow);
    m_keySource->setObjectName(QStringLiteral("llmKeySource"));
    m_keySource->addItem(tr("Environment variable"), QStringLiteral("env"));
    m_keySource->addItem(tr("Store a key in this project"), QStringLiteral("secret"));
    m_keySource->addItem(tr("Read from a file"), QStringLiteral("file"));
    m_keySource->setAccessibleName(tr("API key source"));
    m_keyEnv = new QLineEdit(m_keyRow);
    m_keyEnv->setObjectName(QStringLiteral("llmKeyEnv"));
    m_keyEnv->setAccessibleName(tr("Environment variable"));
    m_keyEnv->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[A-Za-z_][A-Za-z0-9_]*")), m_keyEnv));
    m_keyValue = new QLineEdit(m_keyRow);
    m_keyValue->setObjectName(QStringLiteral("llmKeyValue"));
    // Typed keys are never shown, in the app or in a screenshot of it.
    m_keyValue->setEchoMode(QLineEdit::Password);
    m_keyValue->setAccessibleName(tr("API key"));
    m_keyFile = new QLineEdit(m_keyRow);
    m_keyFile->setObjectName(QStringLiteral("llmKeyFile"));
    m_keyFile->setPlaceholderText(tr("~/.config/ktx/api-key"));
    m_keyFile->setAccessibleName(tr("Key file"));
    keyLayout->addWidget(m_keySource);
    keyLayout->addWidget(m_keyEnv, 1);
    keyLayout->addWidget(m_keyValue, 1);
    keyLayout->addWidget(m_keyFile, 1);
    m_keyNote = new QLabel(m_content);
    m_keyNote->setObjectName(QStringLiteral("llmKeyNote"));
    m_keyNote->setWordWrap(true);
    m_keyNote->setTextFormat(Qt::RichText);

    m_baseUrl = new QLineEdit(m_content);
    m_baseUrl->setObjectName(QStringLiteral("llmBaseUrl"));
    m_vertexProject = new QLineEdit(m_content);
    m_vertexProject->setObjectName(QStringLiteral("llmVertexProject"));
    m_vertexProject->setPlaceholderText(tr("my-gcp-project"));
    m_vertexLocation = new QLineEdit(m_content);
    m_vertexLocation->setObjectName(QStringLiteral("llmVertexLocation"));
    m_vertexLocation->setPlaceholderText(LlmSetup::defaultVertexLocation());

    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setVerticalSpacing(8);
    // A field with its explanation right under it, as one form row: separate
    // rows for wrapped labels leave gaps the height of the widest wrap.
    const auto withNote = [this](QWidget *field, QLabel *note) {
        auto *box = new QWidget(m_content);
        auto *boxLayout = new QVBoxLayout(box);
        boxLayout->setContentsMargins(0, 0, 0, 0);
        boxLayout->setSpacing(3);
        boxLayout->addWidget(field);
        boxLayout->addWidget(note);
        return box;
    };
    m_keyField = withNote(m_keyRow, m_keyNote);
    m_form->addRow(tr("&LLM backend:"), withNote(m_backend, m_description));
    m_form->addRow(tr("API &key:"), m_keyField);
    m_form->addRow(tr("Base &URL:"), m_baseUrl);
    m_form->addRow(tr("Google Cloud &project:"), m_vertexProject);
    m_form->addRow(tr("Re&gion:"), m_vertexLocation);
    // Labels point at the control that takes the typing first.
    if (auto *label = qobject_cast<QLabel *>(m_form->labelForField(m_keyField)))
        label->setBuddy(m_keySource);
    if (auto *label = qobject_cast<QLabel *>(m_form->labelForField(m_description->parentWidget())))
        label->setBuddy(m_backend);

    // One field per role; openai-compatible shows only the first, for every role.
    m_modelsBox = new QGroupBox(tr("Models"), m_content);
    m_modelsBox->setObjectName(QStringLiteral("llmModels"));
    m_modelsGrid = new QGridLayout(m_modelsBox);
    m_modelsGrid->setHorizontalSpacing(10);
    m_modelsGrid->setVerticalSpacing(6);
    const QStringList roleLabels
        = {tr("&Default:"), tr("&Triage:"),    tr("Candidate e&xtraction:"),
           tr("Cu&rator:"), tr("R&econcile:"), tr("Rep&air:")};
    const QStringList roleHelp = {
        tr("Used for every role without its own model."),
        tr("Cheap routing decisions during ingest and scan."),
        tr("Extracting relationship and entity candidates."),
        tr("Reconciling proposed context against accepted files."),
        tr("Resolving conflicts between incoming and existing context."),
        tr("Fixing invalid generated YAML before it is written."),
    };
    const QStringList &roles = LlmConfig::roles();
    for (int i = 0; i < roles.size(); ++i) {
        auto *edit = new QLineEdit(m_modelsBox);
        edit->setObjectName(QStringLiteral("llmModel_") + roles.at(i));
        edit->setToolTip(roleHelp.value(i));
        auto *label = new QLabel(roleLabels.value(i), m_modelsBox);
        label->setBuddy(edit);
        label->setToolTip(roleHelp.value(i));
        // Two columns of label + field: default and triage on the first line.
        const int row = i / 2;
        const int column = (i % 2) * 2;
        m_modelsGrid->addWidget(label, row, column);
        m_modelsGrid->addWidget(edit, row, column + 1);
        m_modelLabels << label;
        m_models << edit;
    }
    m_modelsGrid->setColumnStretch(1, 1);
    m_modelsGrid->setColumnStretch(3, 1);
    m_presets = new QPushButton(tr("Reset to pre&sets"), m_modelsBox);
    m_presets->setObjectName(QStringLiteral("llmPresets"));
    m_modelsGrid->addWidget(m_presets, 3, 3, Qt::AlignRight);

    m_problem = new QLabel(m_content);
    m_problem->setObjectName(QStringLiteral("llmProblem"));
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::PlainText);

    m_check = new QPushButton(tr("C&heck"), m_content);
    m_check->setObjectName(QStringLiteral("llmCheck"));
    m_check->setToolTip(tr("Send one short request with the values above (nothing is saved)."));
    m_busy = new QProgressBar(m_content);
    m_busy->setObjectName(QStringLiteral("llmCheckBusy"));
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setFixedSize(72, 8);
    m_busy->hide();
    m_stop = new QPushButton(tr("St&op"), m_content);
    m_stop->setObjectName(QStringLiteral("llmCheckStop"));
    m_stop->hide();
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_check);
    buttons->addSpacing(8);
    buttons->addWidget(m_busy);
    buttons->addWidget(m_stop);
    buttons->addStretch(1);

    auto *resultRow = new QHBoxLayout;
    resultRow->setSpacing(8);
    m_resultIcon = new QLabel(m_content);
    m_resultIcon->setFixedSize(ResultIconSize, ResultIconSize);
    m_resultText = new QLabel(m_content);
    m_resultText->setObjectName(QStringLiteral("llmCheckResult"));
    m_resultText->setWordWrap(true);
    m_resultText->setTextFormat(Qt::RichText);
    m_resultText->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    resultRow->addWidget(m_resultIcon, 0, Qt::AlignTop);
    resultRow->addWidget(m_resultText, 1);

    auto *contentLayout = new QVBoxLayout(m_content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addLayout(m_form);
    contentLayout->addWidget(m_modelsBox);
    contentLayout->addWidget(m_problem);
    contentLayout->addLayout(buttons);
    contentLayout->addLayout(resultRow);
    contentLayout->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_content);

    registerField(SetupField::LlmBackend, this, "backend", SIGNAL(backendChanged()));
    registerField(SetupField::LlmKeySource, this, "keySource", SIGNAL(keySourceChanged()));
    registerField(SetupField::LlmKeyEnv, m_keyEnv);
    registerField(SetupField::LlmKeyFile, m_keyFile);
    registerField(SetupField::LlmBaseUrl, m_baseUrl);
    registerField(SetupField::LlmVertexProject, m_vertexProject);
    registerField(SetupField::LlmVertexLocation, m_vertexLocation);
    const QList<QLatin1StringView> modelFields = SetupField::llmModels();
    for (int i = 0; i < modelFields.size() && i < m_models.size(); ++i)
        registerField(modelFields.at(i), m_models.at(i));

    connect(m_backend, &QComboBox::currentIndexChanged, this, [this] {
        onBackendChosen();
        Q_EMIT backendChanged();
    });
    connect(m_keySource, &QComboBox::currentIndexChanged, this, [this] {
        onInputChanged();
        Q_EMIT keySourceChanged();
    });
    for (QLineEdit *edit :
         {m_keyEnv, m_keyValue, m_keyFile, m_baseUrl, m_vertexProject, m_vertexLocation})
        connect(edit, &QLineEdit::textChanged, this, &LlmPage::onInputChanged);
    for (QLineEdit *edit : std::as_const(m_models))
        connect(edit, &QLineEdit::textChanged, this, &LlmPage::onInputChanged);
    connect(m_presets, &QPushButton::clicked, this, &LlmPage::resetModels);
    connect(m_check, &QPushButton::clicked, this, &LlmPage::check);
    connect(m_stop, &QPushButton::clicked, this, &LlmPage::cancelCheck);

    populate(backend());
    m_savedChoice = choice();
    showResult(Tone::None, {});
}

LlmPage::~LlmPage()
{
    // A probe still running (a CLI run can take a minute) stops instead of
    // finishing for nobody.
    m_cancel.cancel();
}

QString LlmPage::backend() const
{
    return m_backend->currentData().toString();
}

void LlmPage::setBackend(const QString &backend)
{
    const int index = m_backend->findData(backend);
    if (index >= 0)
        m_backend->setCurrentIndex(index);
}

QString LlmPage::keySource() const
{
    return m_keySource->currentData().toString();
}

void LlmPage::setKeySource(const QString &source)
{
    const int index = m_keySource->findData(source);
    if (index >= 0)
        m_keySource->setCurrentIndex(index);
}

QString LlmPage::projectDir() const
{
    const ProjectFolderState folder
        = ProjectFolderState::inspect(field(SetupField::ProjectDir).toString());
    return folder.hasConfig ? folder.path : QString();
}

LlmSetupChoice LlmPage::choice() const
{
    LlmSetupChoice c;
    c.backend = backend();
    c.keepKeyWhenEmpty = false; // the page shows the whole choice
    if (isBackend(c.backend, "none"))
        return c;
    if (singleModel(c.backend)) {
        c.models = LlmSettings::presetModels(c.backend, m_models.constFirst()->text().trimmed());
    } else {
        const QStringList &roles = LlmConfig::roles();
        for (int i = 0; i < roles.size() && i < m_models.size(); ++i)
            c.models.insert(roles.at(i), m_models.at(i)->text().trimmed());
    }
    if (takesKey(c.backend)) {
        const QString source = keySource();
        if (source == QLatin1String("env")) {
            if (!m_keyEnv->text().isEmpty())
                c.apiKeyRef = QStringLiteral("env:") + m_keyEnv->text();
        } else if (source == QLatin1String("file")) {
            if (!m_keyFile->text().trimmed().isEmpty())
                c.apiKeyRef = QStringLiteral("file:") + m_keyFile->text().trimmed();
        } else if (!m_keyValue->text().isEmpty()) {
            c.apiKeyRef = QStringLiteral("file:") + SecretsPrefix + LlmSetup::secretName(c.backend);
        } else if (hasStoredSecret()) {
            c.apiKeyRef = savedKeyRef(c.backend);
        }
    }
    if (takesBaseUrl(c.backend))
        c.baseUrl = m_baseUrl->text().trimmed();
    if (isBackend(c.backend, "vertex")) {
        c.vertexProject = m_vertexProject->text().trimmed();
        c.vertexLocation = m_vertexLocation->text().trimmed();
        if (c.vertexLocation.isEmpty())
            c.vertexLocation = LlmSetup::defaultVertexLocation();
    }
    return c;
}

LlmSetupChoice LlmPage::fileChoice() const
{
    // The fields show what ktx.yaml says, except models it leaves out entirely
    // (the presets fill in): those count as a change, so Next writes them.
    LlmSetupChoice c = choice();
    if (isBackend(c.backend, "none") || c.backend != m_saved.backend)
        return c;
    c.models.clear();
    for (const QString &role : LlmConfig::roles())
        c.models.insert(role, m_saved.models.value(role));
    return c;
}

bool LlmPage::hasUnsavedChanges() const
{
    return !m_keyValue->text().isEmpty() || !sameChoice(choice(), m_savedChoice);
}

QString LlmPage::savedKeyRef(const QString &backend) const
{
    const ProviderEndpoint *endpoint = endpointOf(m_saved, backend);
    return endpoint ? endpoint->apiKey.trimmed() : QString();
}

bool LlmPage::hasStoredSecret() const
{
    // A stored key, or (from a hand-edited file) a literal one: both stay as
    // they are until a new key is typed.
    const SecretRef ref = SecretRef::parse(savedKeyRef(backend()));
    return ref.kind() == SecretRef::Kind::Literal
        || (ref.kind() == SecretRef::Kind::File && ref.target().startsWith(SecretsPrefix));
}

QString LlmPage::inputProblem() const
{
    const QString current = backend();
    if (isBackend(current, "none"))
        return {};
    if (takesKey(current)) {
        const QString source = keySource();
        if (source == QLatin1String("secret") && m_keyValue->text().isEmpty() && !hasStoredSecret())
            return tr("Type the API key, or read it from an environment variable.");
        if (source == QLatin1String("file") && m_keyFile->text().trimmed().isEmpty())
            return tr("Name the file whose first line is the API key.");
    }
    if (takesBaseUrl(current) && !m_baseUrl->text().trimmed().isEmpty()) {
        const QUrl url(m_baseUrl->text().trimmed());
        if (!url.isValid() || url.host().isEmpty()
            || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
            return tr("The base URL must start with http:// or https:// and name a host.");
    }
    const Result<void> valid = LlmSetup::validate(choice());
    return valid.ok() ? QString() : valid.error().message;
}

void LlmPage::initializePage()
{
    const QString dir = projectDir();
    if (dir.isEmpty())
        return;
    // ktx.yaml is parsed on the pool; the form waits for it (a few milliseconds)
    // so nothing typed meanwhile is overwritten.
    const quint64 generation = ++m_loadGeneration;
    m_loading = true;
    m_content->setEnabled(false);
    auto *watcher = new QFutureWatcher<Result<LoadedConfig>>(this);
    connect(watcher, &QFutureWatcher<Result<LoadedConfig>>::finished, this,
            [this, watcher, generation] {
                const Result<LoadedConfig> loaded = watcher->result();
                watcher->deleteLater();
                if (generation != m_loadGeneration)
                    return;
                m_loading = false;
                m_content->setEnabled(!m_saving);
                m_saved = loaded.ok() ? loaded->config.llm : LlmConfig();
                m_populating = true; // not the person choosing a backend: no presets
                setBackend(m_saved.backend);
                m_populating = false;
                populate(backend());
                m_savedChoice = fileChoice();
                if (loaded.ok())
                    showResult(Tone::None, {});
                else
                    showResult(Tone::Error,
                               RichText::fromBackticks(
                                   tr("Could not read ktx.yaml: %1").arg(loaded.error().toText())));
                updateForm();
                Q_EMIT configLoaded();
            });
    watcher->setFuture(QtConcurrent::run(
        [dir] { return ConfigLoader::loadFile(QDir(dir).filePath(QStringLiteral("ktx.yaml"))); }));
}

bool LlmPage::isComplete() const
{
    if (m_saving)
        return false;
    return !hasUnsavedChanges() || inputProblem().isEmpty();
}

bool LlmPage::validatePage()
{
    if (m_saving)
        return false;
    if (!hasUnsavedChanges()) {
        if (!isBackend(m_saved.backend, "none") && !m_loading)
            if (auto *setup = qobject_cast<SetupWizard *>(wizard()))
                setup->markStepCompleted(QStringLiteral("llm"));
        return true;
    }
    if (!inputProblem().isEmpty())
        return false;
    m_advanceAfterSave = true;
    save();
    return false;
}

int LlmPage::nextId() const
{
    return SetupWizard::Page_Databases;
}

void LlmPage::changeEvent(QEvent *event)
{
    QWizardPage::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateColors();
}

void LlmPage::populate(const QString &backend)
{
    m_populating = true;
    const bool fromFile = backend == m_saved.backend;

    // The key: how ktx.yaml refers to it for this backend, else the backend's variable.
    m_keyValue->clear();
    m_keyEnv->clear();
    m_keyFile->clear();
    const SecretRef ref = SecretRef::parse(savedKeyRef(backend));
    switch (ref.kind()) {
    case SecretRef::Kind::Env:
        setKeySource(QStringLiteral("env"));
        m_keyEnv->setText(ref.target());
        break;
    case SecretRef::Kind::File:
        if (ref.target().startsWith(SecretsPrefix)) {
            setKeySource(QStringLiteral("secret"));
        } else {
            setKeySource(QStringLiteral("file"));
            m_keyFile->setText(ref.target());
        }
        break;
    case SecretRef::Kind::Literal:
        setKeySource(QStringLiteral("secret"));
        break;
    case SecretRef::Kind::Empty:
        setKeySource(QStringLiteral("env"));
        break;
    }

    const ProviderEndpoint *endpoint = endpointOf(m_saved, backend);
    m_baseUrl->setText(endpoint ? endpoint->baseUrl : QString());
    m_vertexProject->setText(m_saved.vertexProject);
    m_vertexLocation->setText(m_saved.vertexLocation);

    // Models: what the file has for the backend it names, else the presets.
    const QMap<QString, QString> models = fromFile && !m_saved.models.isEmpty()
        ? m_saved.models
        : LlmSettings::presetModels(backend);
    const QStringList &roles = LlmConfig::roles();
    for (int i = 0; i < roles.size() && i < m_models.size(); ++i)
        m_models.at(i)->setText(models.value(roles.at(i)));
    m_populating = false;
    updateForm();
}

void LlmPage::onBackendChosen()
{
    if (m_populating)
        return;
    populate(backend());
    onInputChanged();
}

void LlmPage::resetModels()
{
    const QString current = backend();
    if (singleModel(current))
        return; // no preset: the server decides which models exist
    const QMap<QString, QString> presets = LlmSettings::presetModels(current);
    const QStringList &roles = LlmConfig::roles();
    for (int i = 0; i < roles.size() && i < m_models.size(); ++i)
        m_models.at(i)->setText(presets.value(roles.at(i)));
}

void LlmPage::onInputChanged()
{
    if (m_populating)
        return;
    // Any edit makes a running check's answer (or the last one) stale.
    if (m_checking) {
        m_cancel.cancel();
        ++m_checkGeneration;
        m_checking = false;
    }
    if (m_tone != Tone::None) {
        m_result = {};
        showResult(Tone::None, {});
    }
    updateForm();
}

void LlmPage::updateForm()
{
    const QString current = backend();
    const bool none = isBackend(current, "none");
    const bool key = takesKey(current);
    const bool single = singleModel(current);

    static const QHash<QString, const char *> needs = {
        {QStringLiteral("none"),
         QT_TR_NOOP("No model. Ingest still writes schemas, keys, relationships and profiles; "
                    "descriptions and wiki pages need a model.")},
        {QStringLiteral("anthropic"),
         QT_TR_NOOP("Needs an Anthropic API key (from `ANTHROPIC_API_KEY`, another variable, or "
                    "stored in this project).")},
        {QStringLiteral("vertex"),
         QT_TR_NOOP("Needs a Google Cloud project with Claude enabled, and Google sign-in: "
                    "`gcloud auth application-default login`.")},
        {QStringLiteral("gateway"),
         QT_TR_NOOP("Needs the gateway's base URL and key; uses Anthropic model ids.")},
        {QStringLiteral("openai-compatible"),
         QT_TR_NOOP("Needs the server's /v1 base URL (Ollama, vLLM, LM Studio, Azure OpenAI, "
                    "…), one model id, and a key if the server asks for one.")},
        {QStringLiteral("claude-code"),
         QT_TR_NOOP("Needs Claude Code installed and signed in (`claude`); no key. ktx runs it "
                    "with only its own tools.")},
        {QStringLiteral("codex"),
         QT_TR_NOOP("Needs Codex installed and signed in (`codex login`); no key. ktx runs it "
                    "read-only with only its own tools.")},
    };
    m_description->setText(RichText::fromBackticks(tr(needs.value(current, ""))));

    m_form->setRowVisible(m_keyField, key);
    m_form->setRowVisible(m_baseUrl, takesBaseUrl(current));
    m_form->setRowVisible(m_vertexProject, isBackend(current, "vertex"));
    m_form->setRowVisible(m_vertexLocation, isBackend(current, "vertex"));
    const QString source = keySource();
    m_keyEnv->setVisible(source == QLatin1String("env"));
    m_keyValue->setVisible(source == QLatin1String("secret"));
    m_keyFile->setVisible(source == QLatin1String("file"));
    const QString fallback = fallbackKeyVariable(current);
    m_keyEnv->setPlaceholderText(fallback.isEmpty() ? tr("none needed") : fallback);
    m_keyValue->setPlaceholderText(hasStoredSecret() ? tr("stored; type a new key to replace it")
                                                     : tr("paste the key"));
    m_keyNote->setText(keyNote());
    m_baseUrl->setPlaceholderText(isBackend(current, "gateway")
                                      ? QStringLiteral("https://ai-gateway.example.com")
                                      : QStringLiteral("http://127.0.0.1:11434/v1"));

    m_modelsBox->setVisible(!none);
    for (int i = 0; i < m_models.size(); ++i) {
        const bool shown = i == 0 || !single;
        m_models.at(i)->setVisible(shown);
        m_modelLabels.at(i)->setVisible(shown);
        if (i > 0)
            m_models.at(i)->setPlaceholderText(tr("same as default"));
    }
    m_modelLabels.constFirst()->setText(single ? tr("&Model (every role):") : tr("&Default:"));
    m_models.constFirst()->setPlaceholderText(single ? tr("e.g. llama3.1 or qwen-max") : QString());
    m_models.constFirst()->setToolTip(single ? tr("Used for every role.")
                                             : tr("Used for every role without its own model."));
    m_modelsBox->setTitle(single ? tr("Model") : tr("Models per role"));
    m_presets->setVisible(!single);

    const QString problem = inputProblem();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty() && !m_loading);
    m_check->setEnabled(!none && problem.isEmpty() && !m_saving && !m_loading && !m_checking);
    m_busy->setVisible(m_checking || m_saving);
    m_stop->setVisible(m_checking);
    Q_EMIT completeChanged();
}

QString LlmPage::keyNote() const
{
    const QString current = backend();
    const QString source = keySource();
    if (source == QLatin1String("secret"))
        return RichText::fromBackticks(
            tr("Saved to `.ktx/secrets/%1` (never committed); ktx.yaml keeps only a reference.")
                .arg(LlmSetup::secretName(current)));
    if (source == QLatin1String("file"))
        return RichText::fromBackticks(
            tr("The first line of the file is the key; ktx.yaml keeps only the path."));
    if (!m_keyEnv->text().isEmpty())
        return RichText::fromBackticks(
            tr("ktx.yaml gets `api_key: env:%1`; the key stays in your environment.")
                .arg(m_keyEnv->text()));
    const QString fallback = fallbackKeyVariable(current);
    if (!fallback.isEmpty())
        return RichText::fromBackticks(tr("Empty: ktx reads `%1`.").arg(fallback));
    return RichText::fromBackticks(tr("Empty: no key is sent (Ollama and vLLM need none)."));
}

LlmConfig LlmPage::configForCheck() const
{
    const LlmSetupChoice c = choice();
    LlmConfig config = m_saved; // keeps what the page does not show (anthropic base_url, caching)
    config.backend = c.backend;
    config.models.clear();
    for (auto it = c.models.cbegin(); it != c.models.cend(); ++it)
        if (!it->isEmpty())
            config.models.insert(it.key(), *it);
    if (ProviderEndpoint *endpoint = endpointOf(config, c.backend)) {
        // A typed key is checked before it is stored: it travels in memory only.
        endpoint->apiKey = keySource() == QLatin1String("secret") && !m_keyValue->text().isEmpty()
            ? m_keyValue->text()
            : c.apiKeyRef;
        if (takesBaseUrl(c.backend))
            endpoint->baseUrl = c.baseUrl;
    }
    config.vertexProject = c.vertexProject;
    config.vertexLocation = c.vertexLocation;
    return config;
}

void LlmPage::check()
{
    if (!m_check->isEnabled())
        return;
    const quint64 generation = ++m_checkGeneration;
    m_cancel.cancel(); // an older probe still running has nobody to report to
    m_cancel = CancellationToken();
    const CancellationToken token = m_cancel;
    if (!m_keyValue->text().isEmpty())
        SecretRedactor::registerSecret(m_keyValue->text());
    const LlmConfig config = configForCheck();
    const QString dir = projectDir();

    m_checking = true;
    m_result = {};
    const QString model = config.modelFor(QStringLiteral("default"));
    showResult(Tone::Busy,
               RichText::fromBackticks(
                   tr("Checking %1 with model `%2`…").arg(m_backend->currentText(), model)));
    updateForm();

    auto *watcher = new QFutureWatcher<LlmProbeResult>(this);
    connect(watcher, &QFutureWatcher<LlmProbeResult>::finished, this,
            [this, watcher, generation, backend = config.backend] {
                LlmProbeResult result = watcher->result();
                watcher->deleteLater();
                if (generation != m_checkGeneration)
                    return; // the input changed, the check was stopped, or a newer one runs
                m_checking = false;
                // Whatever a server echoes back, a key never reaches the screen.
                result.message = SecretRedactor::redact(result.message);
                result.fix = SecretRedactor::redact(result.fix);
                m_result = result;
                QString html = QStringLiteral("<b>%1.</b> %2")
                                   .arg(verdictTitle(result.verdict, backend).toHtmlEscaped(),
                                        RichText::fromBackticks(sentence(result.message)));
                if (!result.ok() && !result.fix.isEmpty())
                    html += QStringLiteral("<br>")
                        + tr("<b>Fix:</b> %1").arg(RichText::fromBackticks(result.fix));
                showResult(result.ok() ? Tone::Ok : Tone::Error, html);
                updateForm();
                Q_EMIT checkFinished(result.ok());
            });
    watcher->setFuture(
        QtConcurrent::run([config, dir, token] { return LlmProbe::run(config, dir, token); }));
}

void LlmPage::cancelCheck()
{
    if (!m_checking)
        return;
    m_cancel.cancel();
    ++m_checkGeneration;
    m_checking = false;
    m_result = {};
    showResult(Tone::None, tr("Check stopped."));
    updateForm();
}

void LlmPage::save()
{
    SaveRequest request;
    request.projectDir = projectDir();
    request.choice = choice();
    if (takesKey(request.choice.backend) && keySource() == QLatin1String("secret"))
        request.typedKey = m_keyValue->text();
    if (!request.typedKey.isEmpty())
        SecretRedactor::registerSecret(request.typedKey);
    if (request.projectDir.isEmpty()) {
        showResult(Tone::Error,
                   tr("Create the project first; the model is saved in its ktx.yaml."));
        m_advanceAfterSave = false;
        return;
    }

    if (m_checking)
        cancelCheck();
    m_saving = true;
    m_content->setEnabled(false);
    showResult(Tone::Busy, RichText::fromBackticks(tr("Saving the model choice to `ktx.yaml`…")));
    updateForm();

    auto *watcher = new QFutureWatcher<Result<LlmSetupChoice>>(this);
    connect(watcher, &QFutureWatcher<Result<LlmSetupChoice>>::finished, this, [this, watcher] {
        const Result<LlmSetupChoice> result = watcher->result();
        watcher->deleteLater();
        m_saving = false;
        m_content->setEnabled(!m_loading);
        const bool advance = m_advanceAfterSave;
        m_advanceAfterSave = false;
        if (!result.ok()) {
            showResult(Tone::Error,
                       RichText::fromBackticks(SecretRedactor::redact(result.error().toText()))
                           .replace(QLatin1Char('\n'), QStringLiteral("<br>")));
            updateForm();
            Q_EMIT saveFailed(SecretRedactor::redact(result.error().toText()));
            return;
        }
        rememberSaved(*result);
        showResult(Tone::Ok, RichText::fromBackticks(tr("Saved to `ktx.yaml`.")));
        updateForm();
        if (auto *setup = qobject_cast<SetupWizard *>(wizard()))
            setup->markStepCompleted(QStringLiteral("llm"));
        Q_EMIT saved();
        if (advance && wizard() && wizard()->currentPage() == this)
            wizard()->next();
    });
    watcher->setFuture(QtConcurrent::run(runSave, request));
}

void LlmPage::rememberSaved(const LlmSetupChoice &written)
{
    // What ktx.yaml now says, as LlmSetup::write merged it.
    m_saved.backend = written.backend;
    for (auto it = written.models.cbegin(); it != written.models.cend(); ++it) {
        if (it->isEmpty())
            m_saved.models.remove(it.key());
        else
            m_saved.models.insert(it.key(), *it);
    }
    if (ProviderEndpoint *endpoint = endpointOf(m_saved, written.backend)) {
        if (!written.apiKeyRef.isEmpty() || !written.keepKeyWhenEmpty)
            endpoint->apiKey = written.apiKeyRef;
        if (!written.baseUrl.isEmpty())
            endpoint->baseUrl = written.baseUrl;
    }
    if (isBackend(written.backend, "vertex")) {
        m_saved.vertexProject = written.vertexProject;
        m_saved.vertexLocation = written.vertexLocation;
    }
    m_populating = true;
    m_keyValue->clear(); // stored now; not kept in memory longer than needed
    m_populating = false;
    m_savedChoice = fileChoice();
}

void LlmPage::showResult(Tone tone, const QString &html)
{
    m_tone = html.isEmpty() ? Tone::None : tone;
    m_resultText->setText(html);
    m_resultText->setVisible(!html.isEmpty());
    updateColors();
}

void LlmPage::updateColors()
{
    const QPalette base = palette();
    QPalette secondary = base;
    secondary.setColor(QPalette::WindowText, ColorScheme::secondaryText(base));
    m_description->setPalette(secondary);
    m_keyNote->setPalette(secondary);
    QPalette failure = base;
    failure.setColor(QPalette::WindowText, ColorScheme::stateColor(ReadinessState::Fail, base));
    m_problem->setPalette(failure);

    ReadinessState state = ReadinessState::Skipped;
    if (m_tone == Tone::Ok)
        state = ReadinessState::Ok;
    else if (m_tone == Tone::Error)
        state = ReadinessState::Fail;
    const bool icon = m_tone == Tone::Ok || m_tone == Tone::Error;
    // The verdict is in the words and the icon; the text keeps the normal colour
    // so a long fix stays readable in both palettes.
    m_resultText->setPalette(icon ? base : secondary);
    m_resultIcon->setVisible(icon);
    if (icon)
        m_resultIcon->setPixmap(
            StateIcon::pixmap(state, base, ResultIconSize, devicePixelRatioF()));
}

} // namespace ktx
