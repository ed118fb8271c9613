import type {
  LookupTableView,
  LookupVersionView,
  ProcessorDetail,
  ProcessorVersionView,
  ProcessorView,
} from '@tributary/processors';

// Procedures answer JSON without a transformer: times travel as ISO strings, as the schemas
// router sends them.

export function processorOut(p: ProcessorView) {
  return {
    name: p.name,
    description: p.description,
    state: p.state,
    activeVersion: p.activeVersion,
    lastVersion: p.lastVersion,
    createdAt: p.createdAt.toISOString(),
    createdBy: p.createdBy,
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function versionOut(v: ProcessorVersionView) {
  return {
    version: v.version,
    definition: v.definition,
    note: v.note,
    createdAt: v.createdAt.toISOString(),
    createdBy: v.createdBy,
  };
}

export function detailOut(d: ProcessorDetail) {
  return { ...processorOut(d), versions: d.versions.map(versionOut) };
}

export function lookupVersionOut(v: LookupVersionView) {
  return { ...v, createdAt: v.createdAt.toISOString() };
}

export function lookupTableOut(t: LookupTableView) {
  return {
    name: t.name,
    lastVersion: t.lastVersion,
    createdAt: t.createdAt.toISOString(),
    createdBy: t.createdBy,
    latest: t.latest ? lookupVersionOut(t.latest) : null,
  };
}
