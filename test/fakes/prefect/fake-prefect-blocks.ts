import { randomUUID } from 'node:crypto';
import type { JsonObject, Schemas } from './fake-prefect-model';

type BlockType = Schemas['BlockType'];
type BlockSchema = Schemas['BlockSchema'];
type BlockDocument = Schemas['BlockDocument'];
type Automation = Schemas['Automation'];

const OBFUSCATED = '********';

/**
 * Blocks and automations, for `flowdesk setup-prefect`: the built-in `webhook` block type and schema,
 * block documents (secrets obfuscated unless include_secrets, like Prefect) and automations.
 */
export class FakeBlocksAndAutomations {
  private blockTypes = new Map<string, BlockType>();
  private blockSchemas = new Map<string, BlockSchema>();
  private documents = new Map<string, BlockDocument>();
  private automationsById = new Map<string, Automation>();

  constructor(private readonly now: () => string) {
    this.seed();
  }

  reset(): void {
    this.blockTypes.clear();
    this.blockSchemas.clear();
    this.documents.clear();
    this.automationsById.clear();
    this.seed();
  }

  private seed(): void {
    const now = this.now();
    const webhook: BlockType = {
      id: randomUUID(),
      created: now,
      updated: now,
      name: 'Webhook',
      slug: 'webhook',
      logo_url:
        'https://cdn.sanity.io/images/3ugk85nk/production/c7247cb359eb6cf276734d4b1fbf00fb8930e89e-250x250.png',
      documentation_url: 'https://docs.prefect.io/latest/automate/events/webhook-triggers',
      description: 'Block that enables calling webhooks.',
      code_example:
        "from prefect.blocks.webhook import Webhook\n\nwebhook_block = Webhook.load('BLOCK_NAME')",
      is_protected: true,
    };
    this.blockTypes.set(webhook.id, webhook);
    const schema: BlockSchema = {
      id: randomUUID(),
      created: now,
      updated: now,
      checksum: 'sha256:fake-webhook-block-schema',
      fields: {
        title: 'Webhook',
        description: 'Block that enables calling webhooks.',
        type: 'object',
        properties: {
          method: {
            title: 'Method',
            default: 'POST',
            enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
            type: 'string',
          },
          url: { title: 'Webhook URL', format: 'password', type: 'string', writeOnly: true },
          headers: { title: 'Webhook Headers', type: 'object' },
          allow_private_urls: { title: 'Allow Private URLs', default: true, type: 'boolean' },
          verify: { title: 'Verify', default: true, type: 'boolean' },
        },
        required: ['url'],
        block_type_slug: 'webhook',
        secret_fields: ['url', 'headers.*'],
        block_schema_references: {},
      },
      block_type_id: webhook.id,
      block_type: webhook,
      capabilities: [],
      version: '3.8.3',
    };
    this.blockSchemas.set(schema.id, schema);
  }

  blockTypeBySlug(slug: string): BlockType | undefined {
    return [...this.blockTypes.values()].find((type) => type.slug === slug);
  }

  filterBlockSchemas(body: Schemas['Body_read_block_schemas_block_schemas_filter_post']): BlockSchema[] {
    const typeIds = body.block_schemas?.block_type_id?.any_;
    return [...this.blockSchemas.values()].filter(
      (schema) => !typeIds || typeIds.includes(schema.block_type_id ?? ''),
    );
  }

  filterBlockDocuments(
    body: Schemas['Body_read_block_documents_block_documents_filter_post'],
  ): BlockDocument[] {
    const names = body.block_documents?.name?.any_;
    const typeIds = body.block_documents?.block_type_id?.any_;
    const slugs = body.block_types?.slug?.any_;
    return [...this.documents.values()]
      .filter((doc) => !names || names.includes(doc.name ?? ''))
      .filter((doc) => !typeIds || typeIds.includes(doc.block_type_id))
      .filter((doc) => !slugs || slugs.includes(this.blockTypes.get(doc.block_type_id)?.slug ?? ''))
      .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''))
      .map((doc) => this.present(doc, body.include_secrets ?? false));
  }

  /** POST /block_documents/: 409 on a duplicate name for the same block type. */
  createBlockDocument(
    body: Schemas['BlockDocumentCreate'],
  ): { status: 201; document: BlockDocument } | { status: 404 | 409; detail: string } {
    const blockType = this.blockTypes.get(body.block_type_id);
    const blockSchema = this.blockSchemas.get(body.block_schema_id);
    if (!blockType || !blockSchema) return { status: 404, detail: 'Block schema not found' };
    const duplicate = [...this.documents.values()].some(
      (doc) => doc.block_type_id === body.block_type_id && doc.name === body.name,
    );
    if (duplicate) return { status: 409, detail: 'Block already exists' };
    const now = this.now();
    const document: BlockDocument = {
      id: randomUUID(),
      created: now,
      updated: now,
      name: body.name ?? null,
      data: structuredClone(body.data ?? {}),
      block_schema_id: blockSchema.id,
      block_schema: blockSchema,
      block_type_id: blockType.id,
      block_type_name: blockType.name,
      block_type: blockType,
      block_document_references: {},
      is_anonymous: body.is_anonymous ?? false,
    };
    this.documents.set(document.id, document);
    return { status: 201, document: this.present(document, false) };
  }

  /** PATCH /block_documents/{id}: merges data by default (merge_existing_data). */
  updateBlockDocument(id: string, body: Schemas['BlockDocumentUpdate']): boolean {
    const document = this.documents.get(id);
    if (!document) return false;
    const data = structuredClone(body.data ?? {});
    document.data = body.merge_existing_data === false ? data : { ...document.data, ...data };
    if (body.block_schema_id) document.block_schema_id = body.block_schema_id;
    document.updated = this.now();
    return true;
  }

  /** The stored document with its secrets, for assertions. */
  blockDocument(id: string): BlockDocument | undefined {
    return structuredClone(this.documents.get(id));
  }

  blockDocuments(): BlockDocument[] {
    return [...this.documents.values()].map((doc) => structuredClone(doc));
  }

  private present(document: BlockDocument, includeSecrets: boolean): BlockDocument {
    const copy = structuredClone(document);
    if (includeSecrets) return copy;
    const secretFields = (copy.block_schema?.fields?.secret_fields ?? []) as string[];
    copy.data = obfuscate(copy.data ?? {}, secretFields);
    return copy;
  }

  // ------------------------------------------------------------------ automations

  filterAutomations(body: Schemas['Body_read_automations_automations_filter_post']): Automation[] {
    const names = body.automations?.name?.any_;
    return [...this.automationsById.values()]
      .filter((automation) => !names || names.includes(automation.name))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((automation) => structuredClone(automation));
  }

  createAutomation(body: Schemas['AutomationCreate']): Automation {
    const now = this.now();
    const { owner_resource: _owner, ...fields } = body;
    const automation = { ...withAutomationDefaults(fields), id: randomUUID(), created: now, updated: now };
    this.automationsById.set(automation.id, automation as Automation);
    return structuredClone(automation as Automation);
  }

  /** PUT /automations/{id}: a full replace. */
  replaceAutomation(id: string, body: Schemas['AutomationUpdate']): boolean {
    const existing = this.automationsById.get(id);
    if (!existing) return false;
    const replaced = { ...withAutomationDefaults(body), id, created: existing.created, updated: this.now() };
    this.automationsById.set(id, replaced as Automation);
    return true;
  }

  deleteAutomation(id: string): boolean {
    return this.automationsById.delete(id);
  }

  automation(id: string): Automation | undefined {
    return structuredClone(this.automationsById.get(id));
  }

  automations(): Automation[] {
    return [...this.automationsById.values()].map((automation) => structuredClone(automation));
  }
}

function withAutomationDefaults(body: Schemas['AutomationUpdate']): Schemas['AutomationUpdate'] {
  return {
    description: '',
    enabled: true,
    tags: [],
    actions_on_trigger: [],
    actions_on_resolve: [],
    ...structuredClone(body),
  };
}

/** Prefect's secret_fields: "url" hides a value, "headers.*" hides every value of a dict. */
function obfuscate(data: JsonObject, secretFields: string[]): JsonObject {
  const result = { ...data };
  for (const field of secretFields) {
    if (field.endsWith('.*')) {
      const key = field.slice(0, -2);
      const value = result[key];
      if (value && typeof value === 'object') {
        result[key] = Object.fromEntries(Object.keys(value).map((k) => [k, OBFUSCATED]));
      }
    } else if (field in result) {
      result[field] = OBFUSCATED;
    }
  }
  return result;
}
