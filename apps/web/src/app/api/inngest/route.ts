import { serve } from "inngest/next";
import { inngestClient, inngestFunctions } from "@trellis/runtime";

// Inngest's endpoint for the Inngest driver (selected by INNGEST_EVENT_KEY or
// INNGEST_DEV): Inngest registers the functions here (PUT), asks what is
// served (GET) and calls the functions, one step per request (POST).
//
// Served in every configuration so that enabling Inngest needs no code change.
// Without INNGEST_DEV the client runs in cloud mode, where every request must
// be signed: with no INNGEST_SIGNING_KEY this route answers 500 and nothing
// else in the app is affected (the embedded driver runs the workflows then).

export const dynamic = "force-dynamic";

export const { GET, POST, PUT } = serve({ client: inngestClient(), functions: inngestFunctions() });
