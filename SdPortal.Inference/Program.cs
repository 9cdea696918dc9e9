using SdPortal.Inference.Cli;

return await CliApp.RunAsync(args);
