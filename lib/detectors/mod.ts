export * from "./detector.ts";
export * from "./ocsvm.ts";
