"use client";

import "@xyflow/react/dist/style.css";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { ReactFlowProvider, useReactFlow, useStoreApi, type Connection, type EdgeChange, type NodeChange } from "@xyflow/react";
import Link from "next/link";
import { useCallback, useEffect, useEffectEvent, useId, useMemo, useReducer, useRef, useState, useSyncExternalStore } from "react";
import type { AppRouter, RouterOutputs } from "@trellis/api";
import { formError } from "~/trpc/errors";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { useWorkspace } from "../workspace/workspace-context";
import { Canvas } from "./canvas";
import { HistoryPanel } from "./history-panel";
import { Icon, NodeIconSprite } from "./icons";
import { Inspector, type EditFn } from "./inspector";
import { prefetchLayout, runLayout } from "./layout-engine";
import { copyFragment, parseFragment, pasteFragment, type Fragment } from "./lib/clipboard";
import { checkConnection, outputsOf } from "./lib/connections";
import { addEdge, addNode, applyPositions, removeElements } from "./lib/definition-ops";
import { diffVersion, previewDefinition } from "./lib/diff";
import { nodeIdBase, uniqueId } from "./lib/ids";
import { editorReducer, initialEditorState, type EditResult } from "./lib/editor-state";
import { canRedo, canUndo } from "./lib/history";
import { createEdgeDeriver, createNodeDeriver, estimatedSize, groupProblems, type ProblemGroups, type Size, type WorkflowFlowEdge, type WorkflowFlowNode } from "./lib/flow-mapping";
import { DEFAULT_NODE_SIZE, hasStackedNodes, positionsFromElk, toElkGraph } from "./lib/layout";
import { ERROR_HANDLE, type ConnectionRequest, type NodeDescriptor, type Problem, type ScheduleInfo, type WorkflowDefinition, type XY } from "./lib/types";
import { Palette } from "./palette";
import { ProblemsPanel } from "./problems-panel";
import { PublishDialog, type PublishOutcome } from "./publish-dialog";
import { Toasts, useToasts } from "./use-toasts";
import { useDefinitionCheck } from "./use-definition-check";
import { conflictRevision, useDraftSaver } from "./use-draft-saver";
import { RetryDialog, type RetryPreview } from "../runs/retry-dialog";
import { createOverlayer } from "./lib/test-run";
import { TestRunDialog } from "./test-run-dialog";
import { RunBar, TestRunPanel } from "./test-run-panel";
import { useTestRun, type FollowedRun } from "./use-test-run";

type WorkflowView = RouterOutputs["workflow"]["get"];

interface WorkflowEditorProps {
  workflow: WorkflowView;
  nodeTypes: NodeDescriptor[];
  /** Editors and above change workflows; viewers get the same screen, read-only. */
  canEdit: boolean;
}

/** The canvas editor of one workflow. */
export function WorkflowEditor(props: WorkflowEditorProps) {
  return (
    <ReactFlowProvider>
      <EditorShell {...props} />
    </ReactFlowProvider>
  );
}

const CLIPBOARD_KEY = "trellis.editor.clipboard";
const LARGE_WORKFLOW = 150;
const EMPTY_GROUPS: ProblemGroups = { nodes: new Map(), edges: new Map() };
const EMPTY_SCHEDULES = new Map<string, ScheduleInfo>();
const NO_PROBLEMS: Problem[] = [];
const subscribeNothing = () => () => undefined;

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

function problemsOf(error: unknown): Problem[] | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data = (error as TRPCClientError<AppRouter>).data as { problems?: Problem[] } | undefined;
  return data?.problems;
}

/** The trigger and the first `count` nodes after it (breadth first): what a large workflow opens on. */
function startOf(definition: WorkflowDefinition, descriptors: ReadonlyMap<string, NodeDescriptor>, count: number): string[] {
  const trigger = definition.nodes.find((n) => descriptors.get(n.type)?.category === "trigger") ?? definition.nodes[0];
  if (!trigger) return [];
  const next = new Map<string, string[]>();
  for (const edge of definition.edges) next.set(edge.source, [...(next.get(edge.source) ?? []), edge.target]);
  const seen = new Set([trigger.id]);
  const queue = [trigger.id];
  for (let i = 0; i < queue.length && seen.size < count; i++) {
    for (const id of next.get(queue[i] as string) ?? []) {
      if (seen.size >= count) break;
      if (!seen.has(id)) {
        seen.add(id);
        queue.push(id);
      }
    }
  }
  return [...seen];
}

/** Remembers the previous grouping so unchanged problem lists keep their identity. */
function createProblemGrouper() {
  let previous: ProblemGroups | undefined;
  return (problems: readonly Problem[]) => {
    previous = groupProblems(problems, previous);
    return previous;
  };
}

function EditorShell({ workflow, nodeTypes, canEdit }: WorkflowEditorProps) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const flow = useReactFlow<WorkflowFlowNode, WorkflowFlowEdge>();
  const flowStore = useStoreApi<WorkflowFlowNode, WorkflowFlowEdge>();
  // The canvas is drawn in the browser only: server-rendering 500 hidden nodes
  // to hydrate them again costs more than it shows.
  const mounted = useSyncExternalStore(subscribeNothing, () => true, () => false);
  const canvasRef = useRef<HTMLDivElement>(null);
  const publishReasonId = useId();
  const descriptors = useMemo(() => new Map(nodeTypes.map((type) => [type.type, type])), [nodeTypes]);
  const iconNames = useMemo(() => nodeTypes.map((type) => type.icon), [nodeTypes]);
  const workspaceId = workspace.id;
  const workflowId = workflow.id;

  const [state, dispatch] = useReducer(editorReducer, workflow.definition, initialEditorState);
  // A large workflow opens on its trigger and what follows it; "Zoom to fit" shows all of it.
  const [initialView] = useState(() => (workflow.definition.nodes.length > LARGE_WORKFLOW ? startOf(workflow.definition, descriptors, 24) : null));
  const definition = state.history.present;
  const { saver, snapshot: save } = useDraftSaver(workspaceId, workflow, definition, canEdit);
  const check = useDefinitionCheck(workspaceId, definition);
  const { toasts, show: toast, dismiss } = useToasts();

  const [name, setName] = useState(workflow.name);
  const [savedName, setSavedName] = useState(workflow.name);
  const [latestVersion, setLatestVersion] = useState<number | null>(workflow.latestVersion?.number ?? null);
  const [tab, setTab] = useState<"inspect" | "run" | "history">("inspect");
  const [problemsOpen, setProblemsOpen] = useState(false);
  const [publishOpen, setPublishOpen] = useState(false);
  const [layingOut, setLayingOut] = useState(false);
  const [previewNumber, setPreviewNumber] = useState<number | null>(null);
  const [restoring, setRestoring] = useState(false);
  const [resolving, setResolving] = useState(false);
  // ---- Test run: the run the canvas follows, the input dialog, "retry from here" ----
  const [followed, setFollowed] = useState<FollowedRun | null>(null);
  const [testRunOpen, setTestRunOpen] = useState(false);
  const reopenTestRun = useRef(false);
  const [retryNode, setRetryNode] = useState<string | null>(null);
  const [retryVersion, setRetryVersion] = useState<"original" | "latest">("original");
  const [retryPreview, setRetryPreview] = useState<RetryPreview | null>(null);
  const testRun = useTestRun(workspace.id, workflow.id, followed, retryPreview);

  // ---- The compiler's verdict ----
  const [grouper] = useState(createProblemGrouper);
  const problems = check.data?.problems ?? NO_PROBLEMS;
  const groups = useMemo(() => grouper(problems), [grouper, problems]);
  const schedules = useMemo(() => new Map(Object.entries(check.data?.schedules ?? {})), [check.data]);
  const errorCount = problems.filter((p) => p.severity === "error").length;

  // ---- Version preview ----
  const version = useQuery(
    trpc.workflowVersion.get.queryOptions({ workspaceId, workflowId, number: previewNumber ?? 1 }, { enabled: previewNumber !== null, staleTime: Number.POSITIVE_INFINITY }),
  );
  const preview = useMemo(() => {
    if (previewNumber === null || !version.data || version.data.number !== previewNumber) return null;
    const diff = diffVersion(version.data.definition, definition);
    return { version: version.data, diff, definition: previewDefinition(version.data.definition, diff) };
  }, [previewNumber, version.data, definition]);
  const previewing = previewNumber !== null;
  const readOnly = !canEdit || previewing;
  const shown = preview?.definition ?? definition;

  // ---- The canvas, derived from the definition ----
  const measuredOf = useCallback(
    (id: string): Size | undefined => {
      const measured = flowStore.getState().nodeLookup.get(id)?.measured;
      return measured?.width !== undefined && measured.height !== undefined ? { width: measured.width, height: measured.height } : undefined;
    },
    [flowStore],
  );
  const [deriveDraftNodes] = useState(createNodeDeriver);
  const [derivePreviewNodes] = useState(createNodeDeriver);
  const [deriveDraftEdges] = useState(createEdgeDeriver);
  const [derivePreviewEdges] = useState(createEdgeDeriver);
  const nodes = useMemo(
    () =>
      (preview ? derivePreviewNodes : deriveDraftNodes)(shown, {
        descriptors,
        selected: state.selectedNodes,
        measuredOf,
        dragging: state.dragging,
        problems: preview ? EMPTY_GROUPS.nodes : groups.nodes,
        schedules: preview ? EMPTY_SCHEDULES : schedules,
        diff: preview?.diff.nodes ?? null,
        readOnly,
      }),
    [preview, derivePreviewNodes, deriveDraftNodes, shown, descriptors, state.selectedNodes, measuredOf, state.dragging, groups, schedules, readOnly],
  );
  // A test run's node states, laid over the draft's nodes (not over a version preview).
  const [overlayNodes] = useState(createOverlayer<WorkflowFlowNode>);
  const runOverlays = preview ? null : testRun.overlays;
  const canvasNodes = useMemo(() => overlayNodes(nodes, runOverlays), [overlayNodes, nodes, runOverlays]);
  const edges = useMemo(
    () =>
      (preview ? derivePreviewEdges : deriveDraftEdges)(
        shown,
        { selected: state.selectedEdges, problems: preview ? EMPTY_GROUPS.edges : groups.edges, diff: preview?.diff.edges ?? null, readOnly },
        descriptors,
      ),
    [preview, derivePreviewEdges, deriveDraftEdges, shown, state.selectedEdges, groups, readOnly, descriptors],
  );

  // ---- Editing ----
  const edit: EditFn = useCallback((change, key) => dispatch({ type: "edit", change, key, now: Date.now() }), []);
  const editWith = useCallback((change: (d: WorkflowDefinition) => EditResult, key?: string) => dispatch({ type: "edit", change, key, now: Date.now() }), []);

  const onNodesChange = useCallback((changes: NodeChange<WorkflowFlowNode>[]) => dispatch({ type: "nodeChanges", changes, now: Date.now() }), []);
  const onEdgesChange = useCallback((changes: EdgeChange<WorkflowFlowEdge>[]) => dispatch({ type: "edgeChanges", changes }), []);
  const explainConnection = useCallback(
    (request: ConnectionRequest) => {
      const verdict = checkConnection(definition, descriptors, request);
      return verdict.ok ? null : verdict.reason;
    },
    [definition, descriptors],
  );
  const isValidConnection = useCallback(
    (connection: Connection | WorkflowFlowEdge) =>
      !readOnly &&
      checkConnection(definition, descriptors, {
        source: connection.source,
        sourceHandle: connection.sourceHandle ?? null,
        target: connection.target,
        targetHandle: connection.targetHandle ?? null,
      }).ok,
    [definition, descriptors, readOnly],
  );
  const onConnect = useCallback(
    (connection: Connection) =>
      editWith((d) => {
        const verdict = checkConnection(d, descriptors, {
          source: connection.source,
          sourceHandle: connection.sourceHandle ?? null,
          target: connection.target,
          targetHandle: connection.targetHandle ?? null,
        });
        if (!verdict.ok) return d;
        const added = addEdge(d, verdict.connection);
        return { definition: added.definition, select: { nodes: [], edges: [] } };
      }),
    [editWith, descriptors],
  );
  const onDelete = useCallback(
    ({ nodes: removedNodes, edges: removedEdges }: { nodes: WorkflowFlowNode[]; edges: WorkflowFlowEdge[] }) =>
      editWith((d) => ({ definition: removeElements(d, removedNodes.map((n) => n.id), removedEdges.map((e) => e.id)), select: { nodes: [] } })),
    [editWith],
  );
  const deleteSelection = useCallback(() => {
    const nodeIds = [...state.selectedNodes];
    const edgeIds = [...state.selectedEdges];
    editWith((d) => ({ definition: removeElements(d, nodeIds, edgeIds), select: { nodes: [] } }));
  }, [editWith, state.selectedNodes, state.selectedEdges]);
  const onRefused = useCallback((reason: string) => toast(reason, "error"), [toast]);

  /** Where a new node goes when it is not dropped: the middle of the visible canvas, nudged off other nodes. */
  const freeSpot = useCallback(
    (d: WorkflowDefinition, start: XY, step: XY): XY => {
      const spot = { ...start };
      for (let i = 0; i < 50 && d.nodes.some((n) => Math.abs(n.position.x - spot.x) < 40 && Math.abs(n.position.y - spot.y) < 40); i++) {
        spot.x += step.x;
        spot.y += step.y;
      }
      return spot;
    },
    [],
  );

  const revealNode = useCallback(
    (id: string, zoom = false) => {
      // After React Flow has the node (its store updates in an effect).
      setTimeout(() => {
        const node = flow.getInternalNode(id);
        const box = canvasRef.current?.getBoundingClientRect();
        if (!node || !box) return;
        const width = node.measured.width ?? DEFAULT_NODE_SIZE.width;
        const height = node.measured.height ?? DEFAULT_NODE_SIZE.height;
        const center = { x: node.internals.positionAbsolute.x + width / 2, y: node.internals.positionAbsolute.y + height / 2 };
        const topLeft = flow.screenToFlowPosition({ x: box.left, y: box.top });
        const bottomRight = flow.screenToFlowPosition({ x: box.right, y: box.bottom });
        const inside =
          node.internals.positionAbsolute.x >= topLeft.x &&
          node.internals.positionAbsolute.y >= topLeft.y &&
          node.internals.positionAbsolute.x + width <= bottomRight.x &&
          node.internals.positionAbsolute.y + height <= bottomRight.y;
        if (!inside || zoom) void flow.setCenter(center.x, center.y, { zoom: zoom ? Math.max(flow.getZoom(), 1) : flow.getZoom(), duration: 250 });
      }, 30);
    },
    [flow],
  );

  const addFromPalette = useCallback(
    (type: string) => {
      if (readOnly) return;
      const descriptor = descriptors.get(type);
      const box = canvasRef.current?.getBoundingClientRect();
      const center = box ? flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 }) : { x: 0, y: 0 };
      const anchorId = state.selectedNodes.size === 1 ? [...state.selectedNodes][0] : undefined;
      const anchorSize = anchorId ? measuredOf(anchorId) : undefined;
      const id = uniqueId(nodeIdBase(type), new Set(definition.nodes.map((n) => n.id)));
      editWith((d) => {
        const anchor = anchorId && descriptor?.category !== "trigger" ? d.nodes.find((n) => n.id === anchorId) : undefined;
        const start = anchor
          ? { x: anchor.position.x + (anchorSize?.width ?? DEFAULT_NODE_SIZE.width) + 80, y: anchor.position.y }
          : { x: center.x - DEFAULT_NODE_SIZE.width / 2, y: center.y - DEFAULT_NODE_SIZE.height / 2 };
        const position = freeSpot(d, start, anchor ? { x: 0, y: 120 } : { x: 30, y: 30 });
        const added = addNode(d, descriptors, type, position, id);
        let next = added.definition;
        if (anchor) {
          // Continue from the selected node, preferring an output with nothing attached yet.
          const used = new Set(d.edges.filter((e) => e.source === anchor.id).map((e) => e.sourceHandle ?? "out"));
          const outputs = outputsOf(anchor, descriptors.get(anchor.type))
            .map((h) => h.id)
            .filter((h) => h !== ERROR_HANDLE);
          for (const handle of [...outputs.filter((h) => !used.has(h)), ...outputs.filter((h) => used.has(h))]) {
            const verdict = checkConnection(next, descriptors, { source: anchor.id, sourceHandle: handle, target: added.id, targetHandle: null });
            if (verdict.ok) {
              next = addEdge(next, verdict.connection).definition;
              break;
            }
          }
        }
        return { definition: next, select: { nodes: [added.id] } };
      });
      toast(`Added ${descriptor?.title ?? type}`);
      revealNode(id);
    },
    [readOnly, descriptors, flow, state.selectedNodes, measuredOf, definition, editWith, freeSpot, toast, revealNode],
  );

  const onDropType = useCallback(
    (type: string, position: XY) => {
      editWith((d) => {
        const added = addNode(d, descriptors, type, { x: position.x - DEFAULT_NODE_SIZE.width / 2, y: position.y - 24 });
        return { definition: added.definition, select: { nodes: [added.id] } };
      });
      setTab("inspect");
    },
    [editWith, descriptors],
  );

  // ---- Clipboard ----
  const pasteCount = useRef(0);
  const clipboard = useRef<Fragment | null>(null);
  const copy = useCallback(
    (cut: boolean) => {
      // From what is shown: nodes of an older version can be copied into the draft.
      const fragment = copyFragment(shown, state.selectedNodes);
      if (!fragment) return;
      clipboard.current = fragment;
      pasteCount.current = 0;
      const text = JSON.stringify(fragment);
      try {
        localStorage.setItem(CLIPBOARD_KEY, text);
      } catch {
        // Private mode or a full quota: the in-memory copy still works in this tab.
      }
      void navigator.clipboard?.writeText(text).catch(() => undefined);
      if (cut) editWith((d) => ({ definition: removeElements(d, fragment.nodes.map((n) => n.id), []), select: { nodes: [] } }));
      toast(`${cut ? "Cut" : "Copied"} ${fragment.nodes.length} node${fragment.nodes.length === 1 ? "" : "s"}`);
    },
    [shown, state.selectedNodes, editWith, toast],
  );
  const paste = useCallback(() => {
    let fragment = clipboard.current;
    try {
      const stored = localStorage.getItem(CLIPBOARD_KEY);
      const parsed = stored ? parseFragment(stored) : null;
      if (parsed) fragment = parsed;
    } catch {
      // Fall back to this tab's copy.
    }
    if (!fragment) return;
    const pasted = fragment;
    pasteCount.current += 1;
    const offset = { x: 40 * pasteCount.current, y: 40 * pasteCount.current };
    editWith((d) => {
      const result = pasteFragment(d, pasted, { offset });
      return { definition: result.definition, select: { nodes: result.nodeIds, edges: result.edgeIds } };
    });
    toast(`Pasted ${pasted.nodes.length} node${pasted.nodes.length === 1 ? "" : "s"}`);
  }, [editWith, toast]);

  // ---- Keyboard shortcuts ----
  const onKeyDown = useEffectEvent((event: KeyboardEvent) => {
    if (event.defaultPrevented || isEditable(event.target) || document.querySelector("dialog[open]")) return;
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (!mod) {
      if (key === "escape" && (state.selectedNodes.size > 0 || state.selectedEdges.size > 0)) dispatch({ type: "select", nodes: [], edges: [] });
      return;
    }
    if (key === "s") {
      event.preventDefault();
      void saver.flush();
      return;
    }
    if (key === "c" || (key === "x" && !readOnly)) {
      if (state.selectedNodes.size === 0 || window.getSelection()?.toString()) return;
      event.preventDefault();
      copy(key === "x");
      return;
    }
    if (readOnly) return;
    if (key === "z" && !event.shiftKey) {
      event.preventDefault();
      dispatch({ type: "undo" });
    } else if ((key === "z" && event.shiftKey) || key === "y") {
      event.preventDefault();
      dispatch({ type: "redo" });
    } else if (key === "v") {
      event.preventDefault();
      paste();
    } else if (key === "a") {
      event.preventDefault();
      dispatch({ type: "select", nodes: definition.nodes.map((n) => n.id), edges: definition.edges.map((e) => e.id) });
    }
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKeyDown(event);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);

  // ---- Layout and view ----
  /** Zoom to fit: every node, using measured sizes where React Flow has them and the card geometry elsewhere. */
  const fitAll = useCallback(
    (duration = 250, moved?: ReadonlyMap<string, XY>) => {
      if (shown.nodes.length === 0) return;
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (const node of shown.nodes) {
        const size = measuredOf(node.id) ?? estimatedSize(node, descriptors.get(node.type));
        // Positions a layout has just chosen, before this render has them.
        const at = moved?.get(node.id) ?? node.position;
        minX = Math.min(minX, at.x);
        minY = Math.min(minY, at.y);
        maxX = Math.max(maxX, at.x + size.width);
        maxY = Math.max(maxY, at.y + size.height);
      }
      const bounds = { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
      const box = canvasRef.current?.getBoundingClientRect();
      // Never zoom in past 100 % to fit a small workflow.
      if (box && bounds.width * 1.25 < box.width && bounds.height * 1.25 < box.height) {
        void flow.setCenter(minX + bounds.width / 2, minY + bounds.height / 2, { zoom: 1, duration });
      } else {
        void flow.fitBounds(bounds, { padding: 0.1, duration });
      }
    },
    [shown, measuredOf, descriptors, flow],
  );
  const onFitAll = useCallback(() => fitAll(), [fitAll]);

  /** The ELK graph of the draft as drawn: measured sizes where React Flow has them. */
  const layoutGraph = useCallback(() => {
    const sizes = new Map<string, Size>();
    for (const node of definition.nodes) {
      const size = measuredOf(node.id);
      if (size) sizes.set(node.id, size);
    }
    return toElkGraph(definition, descriptors, sizes);
  }, [definition, descriptors, measuredOf]);

  const autoLayout = useCallback(async (done = "Laid out left to right") => {
    setLayingOut(true);
    try {
      const graph = await runLayout(layoutGraph());
      const positions = positionsFromElk(graph);
      edit((d) => applyPositions(d, positions));
      setTimeout(() => fitAll(300, positions), 60);
      toast(done);
    } catch (error) {
      toast(`Could not lay out the workflow: ${error instanceof Error ? error.message : "unknown error"}`, "error");
    } finally {
      setLayingOut(false);
    }
  }, [layoutGraph, edit, fitAll, toast]);
  // Pointer or focus on the button: start the layout now, the click will likely want it.
  const prefetchCurrentLayout = useCallback(() => {
    if (!layingOut) prefetchLayout(layoutGraph());
  }, [layingOut, layoutGraph]);

  // A definition without positions (written by hand or by another tool) is laid out once when it opens.
  const layoutOnOpen = useEffectEvent(() => {
    if (canEdit && hasStackedNodes(definition)) void autoLayout("Laid out automatically: the nodes had no positions");
  });
  // A large workflow is likely to be laid out: once the canvas has settled, lay it out in the worker ahead of the click.
  const prefetchOnOpen = useEffectEvent(() => {
    if (canEdit) prefetchLayout(layoutGraph());
  });
  useEffect(() => {
    const timer = setTimeout(layoutOnOpen, 0);
    const warm = workflow.definition.nodes.length > LARGE_WORKFLOW ? setTimeout(prefetchOnOpen, 3_000) : undefined;
    return () => {
      clearTimeout(timer);
      clearTimeout(warm);
    };
  }, [workflow.definition.nodes.length]);

  const reveal = useCallback(
    (problem: Problem) => {
      if (problem.edgeId !== undefined) {
        dispatch({ type: "select", nodes: [], edges: [problem.edgeId] });
      } else if (problem.nodeId !== undefined) {
        dispatch({ type: "select", nodes: [problem.nodeId], edges: [] });
        revealNode(problem.nodeId, true);
      }
      setTab("inspect");
    },
    [revealNode],
  );

  // ---- Saving, conflicts, publishing, versions ----
  const rename = useCallback(async () => {
    const next = name.trim();
    if (!next || next === savedName) {
      setName(savedName);
      return;
    }
    if (await saver.rename(next)) {
      setSavedName(next);
      setName(next);
      toast("Renamed");
    } else {
      toast(saver.getSnapshot().error ?? "Could not rename the workflow", "error");
    }
  }, [name, savedName, saver, toast]);

  const reload = useCallback(async () => {
    setResolving(true);
    try {
      const fresh = await client.workflow.get.query({ workspaceId, workflowId });
      saver.accept(fresh.definition, { revision: fresh.revision, hasUnpublishedChanges: fresh.hasUnpublishedChanges });
      dispatch({ type: "load", definition: fresh.definition });
      setName(fresh.name);
      setSavedName(fresh.name);
      setLatestVersion(fresh.latestVersion?.number ?? null);
      toast("Reloaded the latest saved draft", "success");
    } catch (error) {
      toast(formError(error).message, "error");
    } finally {
      setResolving(false);
    }
  }, [client, workspaceId, workflowId, saver, toast]);

  const overwrite = useCallback(async () => {
    setResolving(true);
    try {
      const revision = save.conflictRevision ?? (await client.workflow.get.query({ workspaceId, workflowId })).revision;
      if (await saver.overwrite(revision)) toast("Saved your draft over the other change", "success");
    } catch (error) {
      toast(formError(error).message, "error");
    } finally {
      setResolving(false);
    }
  }, [client, workspaceId, workflowId, saver, save.conflictRevision, toast]);

  const publish = useCallback(
    async (message: string): Promise<PublishOutcome> => {
      if (!(await saver.flush())) {
        const snapshot = saver.getSnapshot();
        return {
          ok: false,
          message: snapshot.status === "conflict" ? "Someone else changed this workflow: reload or overwrite it first." : `The draft could not be saved: ${snapshot.error ?? "try again"}`,
        };
      }
      try {
        const published = await client.workflowVersion.publish.mutate({ workspaceId, workflowId, message, expectedRevision: saver.revision });
        saver.published(false);
        setLatestVersion(published.number);
        void queryClient.invalidateQueries({ queryKey: trpc.workflowVersion.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.workflow.list.queryKey() });
        toast(`Published version ${published.number}`, "success");
        if (reopenTestRun.current) {
          reopenTestRun.current = false;
          setTestRunOpen(true);
        }
        return { ok: true };
      } catch (error) {
        const revision = conflictRevision(error);
        if (revision !== undefined) return { ok: false, message: "Someone else changed the draft since it was saved. Reload it, then publish." };
        return { ok: false, message: formError(error).message, problems: problemsOf(error) };
      }
    },
    [saver, client, workspaceId, workflowId, queryClient, trpc, toast],
  );

  const restore = useCallback(
    async (number: number) => {
      setRestoring(true);
      try {
        if (!(await saver.flush())) {
          toast("Save or resolve the draft before restoring a version", "error");
          return;
        }
        const restored = await client.workflowVersion.restore.mutate({ workspaceId, workflowId, number, expectedRevision: saver.revision });
        saver.accept(restored.definition, { revision: restored.revision, hasUnpublishedChanges: restored.hasUnpublishedChanges });
        dispatch({ type: "edit", change: () => ({ definition: restored.definition, select: { nodes: [] } }), now: Date.now() });
        setPreviewNumber(null);
        setTab("history");
        toast(`Restored version ${number} into the draft (Undo brings your previous draft back)`, "success");
      } catch (error) {
        toast(formError(error).message, "error");
      } finally {
        setRestoring(false);
      }
    },
    [saver, client, workspaceId, workflowId, toast],
  );

  const openVersion = useCallback((number: number) => {
    setPreviewNumber(number);
    dispatch({ type: "select", nodes: [], edges: [] });
  }, []);
  const closePreview = useCallback(() => {
    setPreviewNumber(null);
    dispatch({ type: "select", nodes: [], edges: [] });
  }, []);

  const startedTestRun = useCallback((run: { id: string }, versionNumber: number) => {
    setTestRunOpen(false);
    setRetryPreview(null);
    setFollowed({ runId: run.id, versionNumber });
    setTab("run");
  }, []);
  const clearTestRun = useCallback(() => {
    setFollowed(null);
    setRetryNode(null);
    setRetryPreview(null);
    setTab((current) => (current === "run" ? "inspect" : current));
  }, []);
  const publishFirst = useCallback(() => {
    setTestRunOpen(false);
    reopenTestRun.current = true;
    setPublishOpen(true);
  }, []);
  const closeRetry = useCallback(() => {
    setRetryNode(null);
    setRetryPreview(null);
  }, []);
  const retried = useCallback(
    (run: { id: string }) => {
      const versionNumber = retryVersion === "latest" ? (latestVersion ?? followed?.versionNumber) : followed?.versionNumber;
      closeRetry();
      if (versionNumber === undefined) return;
      setFollowed({ runId: run.id, versionNumber });
      setTab("run");
      toast("Retrying: the canvas follows the new run", "success");
    },
    [retryVersion, latestVersion, followed, closeRetry, toast],
  );
  const onNodeClick = useCallback(() => {
    if (followed && !previewing) setTab("run");
  }, [followed, previewing]);
  const selectFromRun = useCallback((nodeId: string | null) => dispatch({ type: "select", nodes: nodeId ? [nodeId] : [], edges: [] }), []);

  const secretsQuery = useQuery(trpc.secret.list.queryOptions({ workspaceId }, { enabled: canEdit, staleTime: 60_000 }));
  const secretNames = useMemo(() => (secretsQuery.data ? secretsQuery.data.map((s) => s.name) : canEdit ? [] : null), [secretsQuery.data, canEdit]);

  // ---- Derived labels ----
  const checkStatus = check.failed ? "failed" : check.current ? "current" : "checking";
  const publishBlocked = !canEdit
    ? "Only editors can publish"
    : previewing
      ? "Go back to the draft to publish"
      : errorCount > 0 && checkStatus !== "failed"
        ? `Fix ${errorCount} problem${errorCount === 1 ? "" : "s"} to publish`
        : checkStatus === "checking"
          ? "Checking the draft…"
          : save.status === "conflict"
            ? "Resolve the conflict to publish"
            : null;
  const unpublished = save.hasUnpublishedChanges || saver.dirty;
  const saveLabel = !canEdit
    ? "View only"
    : save.status === "saving"
      ? "Saving…"
      : save.status === "unsaved"
        ? "Unsaved changes"
        : save.status === "error"
          ? "Not saved"
          : save.status === "conflict"
            ? "Not saved: conflict"
            : "Saved";
  const selectedCount = state.selectedNodes.size + state.selectedEdges.size;
  const shownTab = tab === "run" && (!followed || previewing) ? "inspect" : tab;

  return (
    <div className="editor">
      <header className="editor-header">
        <Link href={`/w/${workspace.slug}/workflows`} className="button small ghost" aria-label="Back to workflows">
          <Icon name="chevron-left" size={15} />
          Workflows
        </Link>
        <span className="topbar-divider" aria-hidden />
        <input
          className="editor-name"
          aria-label="Workflow name"
          value={name}
          maxLength={120}
          readOnly={!canEdit}
          onChange={(event) => setName(event.target.value)}
          onBlur={() => void rename()}
          onKeyDown={(event) => {
            if (event.key === "Enter") event.currentTarget.blur();
            if (event.key === "Escape") {
              setName(savedName);
              event.currentTarget.blur();
            }
          }}
        />
        <span className={`badge ${latestVersion === null ? "" : unpublished ? "warning" : "success"}`}>
          {latestVersion === null ? "Never published" : unpublished ? `v${latestVersion} · unpublished changes` : `Published v${latestVersion}`}
        </span>
        <span className={`save-state ${save.status}`} role="status" aria-live="polite" data-save-status={canEdit ? save.status : "readonly"}>
          <span className="save-dot" aria-hidden />
          {saveLabel}
          {save.status === "error" ? (
            <button type="button" className="link-button" onClick={() => saver.retry()}>
              Retry
            </button>
          ) : null}
        </span>
        <span className="spacer" />
        <div className="toolbar" role="toolbar" aria-label="Editor tools">
          <button type="button" className="button small icon-button" aria-label="Undo" title="Undo (Ctrl/⌘+Z)" disabled={readOnly || !canUndo(state.history)} onClick={() => dispatch({ type: "undo" })}>
            <Icon name="undo" />
          </button>
          <button type="button" className="button small icon-button" aria-label="Redo" title="Redo (Shift+Ctrl/⌘+Z)" disabled={readOnly || !canRedo(state.history)} onClick={() => dispatch({ type: "redo" })}>
            <Icon name="redo" />
          </button>
          <span className="toolbar-divider" aria-hidden />
          <button
            type="button"
            className="button small"
            onClick={() => void autoLayout()}
            onPointerEnter={prefetchCurrentLayout}
            onFocus={prefetchCurrentLayout}
            disabled={readOnly || layingOut || definition.nodes.length === 0}
          >
            <Icon name="layout" size={15} />
            {layingOut ? "Laying out…" : "Auto layout"}
          </button>
          <button type="button" className="button small icon-button" aria-label="Zoom to fit" title="Zoom to fit" onClick={onFitAll}>
            <Icon name="fit" />
          </button>
        </div>
        {canEdit ? (
          <button
            type="button"
            className="button small"
            disabled={previewing}
            title={previewing ? "Go back to the draft to test it" : "Run the published version with an input and watch it on the canvas"}
            onClick={() => setTestRunOpen(true)}
          >
            <Icon name="play" size={14} />
            Test run
          </button>
        ) : null}
        {publishBlocked && canEdit && !previewing ? (
          <button type="button" className={`publish-reason${errorCount > 0 ? " error" : ""}`} id={publishReasonId} onClick={() => setProblemsOpen(true)} disabled={errorCount === 0}>
            {publishBlocked}
          </button>
        ) : null}
        {canEdit ? (
          <button
            type="button"
            className="button primary small"
            disabled={publishBlocked !== null}
            aria-describedby={publishBlocked ? publishReasonId : undefined}
            onClick={() => setPublishOpen(true)}
          >
            <Icon name="upload" size={15} />
            Publish
          </button>
        ) : null}
      </header>

      {save.status === "conflict" ? (
        <div className="editor-banner conflict" role="alert">
          <Icon name="warning" size={16} />
          <span>
            <strong>This workflow was changed in another tab or by someone else.</strong> Your latest edits are not saved. Reload to take their version (yours is lost), or overwrite it with
            yours.
          </span>
          <span className="spacer" />
          <button type="button" className="button small" disabled={resolving} onClick={() => void reload()}>
            Reload
          </button>
          <button type="button" className="button small danger" disabled={resolving} onClick={() => void overwrite()}>
            Overwrite
          </button>
        </div>
      ) : null}

      {previewing ? (
        <div className="editor-banner preview" role="region" aria-label="Version preview">
          <Icon name="eye" size={16} />
          {preview ? (
            <span>
              <strong>
                Version {preview.version.number}
                {preview.version.message ? ` — “${preview.version.message}”` : ""}
              </strong>
              , read-only. Restoring it into your draft:{" "}
              <span className="diff-key added">{preview.diff.counts.added} added</span>
              <span className="diff-key removed">{preview.diff.counts.removed} removed</span>
              <span className="diff-key changed">{preview.diff.counts.changed} changed</span>
            </span>
          ) : version.isError ? (
            <span role="alert">Could not load version {previewNumber}: {formError(version.error).message}</span>
          ) : (
            <span>Loading version {previewNumber}…</span>
          )}
          <span className="spacer" />
          {preview && canEdit ? (
            <button type="button" className="button small primary" disabled={restoring} onClick={() => void restore(preview.version.number)}>
              {restoring ? "Restoring…" : "Restore this version"}
            </button>
          ) : null}
          <button type="button" className="button small" onClick={closePreview}>
            Back to draft
          </button>
        </div>
      ) : null}

      {followed && !previewing ? (
        <RunBar followed={followed} testRun={testRun} workspaceSlug={workspace.slug} onClear={clearTestRun} onShowDetails={() => {
          const failedAt = testRun.run?.error?.nodeId ?? null;
          if (failedAt) selectFromRun(failedAt);
          setTab("run");
        }} />
      ) : null}

      <div className="editor-body">
        <Palette nodeTypes={nodeTypes} onAdd={addFromPalette} disabled={readOnly} />
        <div className="editor-main">
          {mounted ? (
          <Canvas
            nodes={canvasNodes}
            edges={edges}
            readOnly={readOnly}
            withRun={runOverlays !== null}
            onNodeClick={onNodeClick}
            large={shown.nodes.length > LARGE_WORKFLOW}
            initialView={initialView}
            wrapper={canvasRef}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onDelete={onDelete}
            isValidConnection={isValidConnection}
            explainConnection={explainConnection}
            onRefused={onRefused}
            onDropType={onDropType}
            onFitAll={onFitAll}
          />
          ) : (
            <div className="canvas canvas-placeholder" aria-busy="true" />
          )}
          {previewing ? null : (
            <ProblemsPanel
              problems={problems}
              definition={definition}
              descriptors={descriptors}
              open={problemsOpen}
              onToggle={() => setProblemsOpen((open) => !open)}
              onReveal={reveal}
              status={checkStatus}
            />
          )}
        </div>
        <aside className="side-panel" aria-label="Side panel">
          <div
            className="side-tabs"
            role="tablist"
            aria-label="Side panel"
            onKeyDown={(event) => {
              if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
              event.preventDefault();
              const tabs = followed && !previewing ? (["inspect", "run", "history"] as const) : (["inspect", "history"] as const);
              const index = Math.max(0, tabs.indexOf(shownTab as never));
              const next = tabs[(index + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length] ?? "inspect";
              setTab(next);
              document.getElementById(`tab-${next}`)?.focus();
            }}
          >
            <button type="button" role="tab" id="tab-inspect" aria-selected={shownTab === "inspect"} tabIndex={shownTab === "inspect" ? 0 : -1} aria-controls="panel-inspect" onClick={() => setTab("inspect")}>
              {previewing ? "Details" : "Inspector"}
              {selectedCount > 0 ? <span className="tab-count">{selectedCount}</span> : null}
            </button>
            {followed && !previewing ? (
              <button type="button" role="tab" id="tab-run" aria-selected={tab === "run"} tabIndex={tab === "run" ? 0 : -1} aria-controls="panel-run" onClick={() => setTab("run")}>
                Test run
                <span className={`tab-dot ${testRun.status}`} aria-hidden />
              </button>
            ) : null}
            <button type="button" role="tab" id="tab-history" aria-selected={shownTab === "history"} tabIndex={shownTab === "history" ? 0 : -1} aria-controls="panel-history" onClick={() => setTab("history")}>
              Versions
            </button>
          </div>
          <div className="side-content" role="tabpanel" id={`panel-${shownTab}`} aria-labelledby={`tab-${shownTab}`}>
            {shownTab === "run" ? (
              <TestRunPanel
                testRun={testRun}
                descriptors={descriptors}
                selected={state.selectedNodes.size === 1 ? ([...state.selectedNodes][0] ?? null) : null}
                canEdit={canEdit}
                onSelect={selectFromRun}
                onRetryFromHere={(nodeId) => {
                  setRetryVersion("original");
                  setRetryNode(nodeId);
                }}
              />
            ) : shownTab === "inspect" ? (
              <Inspector
                definition={shown}
                descriptors={descriptors}
                selectedNodes={state.selectedNodes}
                selectedEdges={state.selectedEdges}
                nodeProblems={preview ? EMPTY_GROUPS.nodes : groups.nodes}
                edgeProblems={preview ? EMPTY_GROUPS.edges : groups.edges}
                schedules={preview ? EMPTY_SCHEDULES : schedules}
                secrets={secretNames}
                readOnly={readOnly}
                edit={edit}
                onDeleteSelection={deleteSelection}
                changes={preview?.diff.changes}
                draft={preview ? definition : undefined}
                workflowId={workflowId}
              />
            ) : (
              <HistoryPanel workspaceId={workspaceId} workflowId={workflowId} openNumber={previewNumber} onOpen={openVersion} latestNumber={latestVersion} />
            )}
          </div>
        </aside>
      </div>

      <NodeIconSprite names={iconNames} />
      <PublishDialog
        open={publishOpen}
        onClose={() => {
          reopenTestRun.current = false;
          setPublishOpen(false);
        }}
        onPublish={publish}
        nextNumber={(latestVersion ?? 0) + 1}
      />
      <TestRunDialog
        open={testRunOpen}
        onClose={() => setTestRunOpen(false)}
        workspaceId={workspaceId}
        workflowId={workflowId}
        descriptors={descriptors}
        latestVersion={latestVersion}
        unpublished={unpublished}
        publishBlocked={publishBlocked}
        onPublishFirst={publishFirst}
        onStarted={startedTestRun}
      />
      {retryNode && followed && testRun.run && testRun.definition ? (
        <RetryDialog
          runId={testRun.run.id}
          nodeId={retryNode}
          version={retryVersion}
          onVersionChange={setRetryVersion}
          definition={testRun.definition}
          descriptors={descriptors}
          versionNumber={followed.versionNumber}
          onClose={closeRetry}
          onPreview={setRetryPreview}
          onRetried={retried}
        />
      ) : null}
      <Toasts toasts={toasts} onDismiss={dismiss} />
    </div>
  );
}
