export { readJsonBody, readTextLimited } from "./body";
export { problemResponse, problemType, type Problem } from "./problem";
export { requestIdFrom } from "./request-id";
export { json, restRoute, type RestContext } from "./route";
